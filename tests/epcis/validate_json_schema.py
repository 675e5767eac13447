#!/usr/bin/python3
"""Validates JSON documents against a draft-07 JSON schema, formats checked.

Usage: validate_json_schema.py SCHEMA DOCUMENT...

Prints one JSON object per document on its own line:
  {"file": ..., "valid": true|false, "errors": [{"path": ..., "message": ...}]}
and exits 0 when every document is valid, 1 when one is not, 2 on a usage
or environment error. Format checking is always on: "uri" with the rfc3987
package when it is installed (python3-rfc3987), else with the RFC 3986
absolute-URI grammar below; "date-time" with the RFC 3339 grammar below
(python3-jsonschema only checks it when rfc3339-validator is installed,
which Debian 12 does not package). Without these, a bare word such as
"harvesting" would pass the EPCIS schema's "format": "uri" silently.
"""

import datetime
import json
import re
import sys

try:
    import jsonschema
except ImportError:
    print("validate_json_schema.py: python3-jsonschema is not installed",
          file=sys.stderr)
    sys.exit(2)

_URI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.\-]*:"
    r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$")
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"([Zz]|[+\-]\d{2}:\d{2})$")


def _is_uri(value):
    if not isinstance(value, str):
        return True
    return _URI.match(value) is not None


def _is_date_time(value):
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        datetime.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    offset = match.group(8)
    if offset not in ("Z", "z"):
        if int(offset[1:3]) > 23 or int(offset[4:6]) > 59:
            return False
    return second <= 60


def make_format_checker():
    checker = jsonschema.FormatChecker()
    try:
        import rfc3987  # noqa: F401  (jsonschema uses it for "uri")
        uri = "rfc3987"
    except ImportError:
        checker.checks("uri")(_is_uri)
        uri = "builtin"
    checker.checks("date-time")(_is_date_time)
    if not checker.conforms("harvesting", "uri"):
        return checker, uri
    print("validate_json_schema.py: format 'uri' is not checked",
          file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    checker, _ = make_format_checker()
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=checker)
    all_valid = True
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        errors = []
        for error in validator.iter_errors(document):
            errors.append({
                "path": "/" + "/".join(str(p) for p in error.absolute_path),
                "message": error.message[:300],
            })
            if len(errors) >= 20:
                break
        all_valid = all_valid and not errors
        print(json.dumps({"file": path, "valid": not errors, "errors": errors}))
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
