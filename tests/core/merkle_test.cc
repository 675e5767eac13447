// Tests of core/merkle: RFC 6962 hashing against the RFC's test tree, the
// 196 published transparency-dev verification probes, and the reference
// proofs cross-checked against the verifiers.

#include "core/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Strict standard base64 (with padding) of exactly 32 bytes; nullopt for
// anything else, so that a hash of the wrong length is an error.
std::optional<Hash> DecodeHash(const std::string& base64) {
  if (base64.empty() || base64.size() % 4 != 0) return std::nullopt;
  std::string raw(base64.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                      reinterpret_cast<const unsigned char*>(base64.data()),
                      static_cast<int>(base64.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t length = static_cast<size_t>(n);
  if (base64.ends_with("==")) {
    length -= 2;
  } else if (base64.ends_with("=")) {
    length -= 1;
  }
  if (length != 32) return std::nullopt;
  Hash hash;
  std::copy_n(raw.begin(), 32, hash.begin());
  return hash;
}

// The RFC 6962 test tree (leaf data in hex) and the roots of its prefixes,
// computed independently and also present in the probes' root fields.
const std::vector<std::string>& TestTreeLeafHex() {
  static const auto* leaves =
      new std::vector<std::string>{"",
                                   "00",
                                   "10",
                                   "2021",
                                   "3031",
                                   "40414243",
                                   "5051525354555657",
                                   "606162636465666768696a6b6c6d6e6f"};
  return *leaves;
}

const char* const kTestTreeRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash> TestTreeLeafHashes() {
  std::vector<Hash> hashes;
  for (const std::string& hex : TestTreeLeafHex()) {
    hashes.push_back(LeafHash(FromHex(hex)));
  }
  return hashes;
}

// Leaf hashes of a tree of n synthetic entries.
std::vector<Hash> SyntheticLeafHashes(int n) {
  std::vector<Hash> hashes;
  for (int i = 0; i < n; ++i) {
    hashes.push_back(LeafHash("entry " + std::to_string(i)));
  }
  return hashes;
}

TEST(MerkleHashTest, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(HashToHex(EmptyTreeRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootOfLeafHashes({}), EmptyTreeRoot());
}

TEST(MerkleHashTest, LeafHashPrefixesZeroByte) {
  EXPECT_EQ(HashToHex(LeafHash("")), kTestTreeRoots[0]);
  EXPECT_EQ(LeafHash("abc"), Sha256(std::string("\0abc", 4)));
}

TEST(MerkleHashTest, NodeHashPrefixesOneByte) {
  const std::vector<Hash> leaves = TestTreeLeafHashes();
  EXPECT_EQ(HashToHex(NodeHash(leaves[0], leaves[1])), kTestTreeRoots[1]);
  EXPECT_EQ(NodeHash(leaves[0], leaves[1]),
            Sha256("\x01" + HashToBytes(leaves[0]) + HashToBytes(leaves[1])));
  EXPECT_NE(NodeHash(leaves[0], leaves[1]), NodeHash(leaves[1], leaves[0]));
}

TEST(MerkleHashTest, Rfc6962TestTreeRoots) {
  const std::vector<Hash> leaves = TestTreeLeafHashes();
  for (size_t size = 1; size <= leaves.size(); ++size) {
    std::vector<Hash> prefix(leaves.begin(), leaves.begin() + size);
    EXPECT_EQ(HashToHex(RootOfLeafHashes(prefix)), kTestTreeRoots[size - 1])
        << "size " << size;
  }
}

TEST(MerkleProofTest, ReferenceProofsVerifyOnTestTree) {
  const std::vector<Hash> leaves = TestTreeLeafHashes();
  std::vector<Hash> roots;
  for (const char* hex : kTestTreeRoots) {
    roots.push_back(*HashFromBytes(FromHex(hex)));
  }
  int inclusion_checks = 0;
  int consistency_checks = 0;
  for (uint64_t size = 1; size <= 8; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      std::vector<Hash> proof = ReferenceInclusionProof(leaves, index, size);
      EXPECT_EQ(proof.size(), InclusionProofSize(index, size));
      EXPECT_TRUE(
          VerifyInclusion(index, size, leaves[index], proof, roots[size - 1])
              .ok())
          << "index " << index << " size " << size;
      ++inclusion_checks;
    }
    for (uint64_t size1 = 1; size1 <= size; ++size1) {
      std::vector<Hash> proof = ReferenceConsistencyProof(leaves, size1, size);
      EXPECT_EQ(proof.size(), ConsistencyProofSize(size1, size));
      absl::Status status = VerifyConsistency(
          size1, size, proof, roots[size1 - 1], roots[size - 1]);
      EXPECT_TRUE(status.ok())
          << "size1 " << size1 << " size2 " << size << ": " << status;
      ++consistency_checks;
    }
  }
  EXPECT_EQ(inclusion_checks, 36);
  EXPECT_EQ(consistency_checks, 36);
}

TEST(MerkleProofTest, KnownProofsOfTestTree) {
  const std::vector<Hash> leaves = TestTreeLeafHashes();
  // The examples of RFC 6962 section 2.1.3 (tree of 7 leaves): the audit
  // paths of d0, d3, d4 have 3 hashes and of d6 2; PROOF(3, D[7]) has 4,
  // PROOF(4, D[7]) has 1 (root1 is implicit), PROOF(6, D[7]) has 3.
  EXPECT_EQ(ReferenceInclusionProof(leaves, 0, 8).size(), 3u);
  EXPECT_EQ(ReferenceInclusionProof(leaves, 6, 7).size(), 2u);
  EXPECT_EQ(ReferenceConsistencyProof(leaves, 3, 7).size(), 4u);
  EXPECT_EQ(ReferenceInclusionProof(leaves, 3, 7).size(), 3u);
  EXPECT_EQ(ReferenceInclusionProof(leaves, 4, 7).size(), 3u);
  EXPECT_EQ(ReferenceConsistencyProof(leaves, 4, 7).size(), 1u);
  EXPECT_EQ(ReferenceConsistencyProof(leaves, 6, 7).size(), 3u);
  EXPECT_EQ(ReferenceConsistencyProof(leaves, 4, 7)[0],
            RootOfLeafHashes({leaves[4], leaves[5], leaves[6]}));
  EXPECT_EQ(ReferenceConsistencyProof(leaves, 1, 8).size(), 3u);
  // Leaf 0 of 8: the sibling leaf, then the roots of [2,4) and [4,8).
  std::vector<Hash> proof = ReferenceInclusionProof(leaves, 0, 8);
  EXPECT_EQ(proof[0], leaves[1]);
  EXPECT_EQ(proof[1], NodeHash(leaves[2], leaves[3]));
  EXPECT_EQ(proof[2],
            RootOfLeafHashes({leaves[4], leaves[5], leaves[6], leaves[7]}));
}

TEST(MerkleProofTest, ReferenceProofsVerifyAndMutationsFailOnLargerTrees) {
  const std::vector<Hash> leaves = SyntheticLeafHashes(37);
  std::vector<Hash> roots = {EmptyTreeRoot()};
  for (size_t size = 1; size <= leaves.size(); ++size) {
    roots.push_back(RootOfLeafHashes(
        std::vector<Hash>(leaves.begin(), leaves.begin() + size)));
  }
  for (uint64_t size = 1; size <= leaves.size(); ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      std::vector<Hash> proof = ReferenceInclusionProof(leaves, index, size);
      ASSERT_TRUE(
          VerifyInclusion(index, size, leaves[index], proof, roots[size]).ok());
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<Hash> bad = proof;
        bad[i][7] ^= 0x10;
        EXPECT_EQ(VerifyInclusion(index, size, leaves[index], bad, roots[size])
                      .code(),
                  absl::StatusCode::kFailedPrecondition);
      }
      if (size > 1) {
        const uint64_t other = (index + 1) % size;
        EXPECT_FALSE(
            VerifyInclusion(other, size, leaves[index], proof, roots[size])
                .ok());
      }
    }
    for (uint64_t size1 = 1; size1 < size; ++size1) {
      std::vector<Hash> proof = ReferenceConsistencyProof(leaves, size1, size);
      ASSERT_TRUE(
          VerifyConsistency(size1, size, proof, roots[size1], roots[size]).ok())
          << size1 << " -> " << size;
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<Hash> bad = proof;
        bad[i][0] ^= 0x01;
        EXPECT_EQ(VerifyConsistency(size1, size, bad, roots[size1], roots[size])
                      .code(),
                  absl::StatusCode::kFailedPrecondition)
            << size1 << " -> " << size << " hash " << i;
      }
      EXPECT_FALSE(
          VerifyConsistency(size1, size, proof, roots[size1 + 1], roots[size])
              .ok());
    }
  }
}

TEST(MerkleProofTest, ErrorsSayWhatIsWrong) {
  const std::vector<Hash> leaves = TestTreeLeafHashes();
  const Hash root8 = RootOfLeafHashes(leaves);
  std::vector<Hash> proof = ReferenceInclusionProof(leaves, 2, 8);

  absl::Status status = VerifyInclusion(8, 8, leaves[2], proof, root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("leaf index 8"));
  EXPECT_THAT(status.message(), HasSubstr("tree of size 8"));

  std::vector<Hash> short_proof(proof.begin(), proof.end() - 1);
  status = VerifyInclusion(2, 8, leaves[2], short_proof, root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("has 2 hashes"));
  EXPECT_THAT(status.message(), HasSubstr("exactly 3"));

  status = VerifyInclusion(2, 8, leaves[3], proof, root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr(HashToHex(root8)));

  status = VerifyConsistency(0, 8, {}, EmptyTreeRoot(), root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("size1 is 0"));

  status = VerifyConsistency(0, 0, {}, EmptyTreeRoot(), EmptyTreeRoot());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);

  status = VerifyConsistency(5, 4, {}, root8, root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("size1 5 is larger than size2 4"));

  status = VerifyConsistency(8, 8, {root8}, root8, root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);

  status = VerifyConsistency(8, 8, {}, root8, leaves[0]);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);

  const Hash root3 = RootOfLeafHashes({leaves[0], leaves[1], leaves[2]});
  std::vector<Hash> consistency = ReferenceConsistencyProof(leaves, 3, 8);
  status = VerifyConsistency(3, 8, consistency, root3, root3);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("root2"));
  status = VerifyConsistency(3, 8, consistency, root8, root8);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("root1"));

  EXPECT_FALSE(RootFromInclusionProof(UINT64_MAX, 8, leaves[0], proof).ok());
}

TEST(MerkleProofTest, ReferenceProofsRejectImpossibleArguments) {
  const std::vector<Hash> leaves = TestTreeLeafHashes();
  EXPECT_TRUE(ReferenceInclusionProof(leaves, 8, 8).empty());
  EXPECT_TRUE(ReferenceInclusionProof(leaves, 0, 9).empty());
  EXPECT_TRUE(ReferenceConsistencyProof(leaves, 0, 8).empty());
  EXPECT_TRUE(ReferenceConsistencyProof(leaves, 5, 4).empty());
  EXPECT_TRUE(ReferenceConsistencyProof(leaves, 4, 9).empty());
  EXPECT_EQ(InclusionProofSize(3, 3), 0u);
  EXPECT_EQ(ConsistencyProofSize(0, 3), 0u);
}

TEST(MerkleProbeTest, DecodeHashRejectsWrongLengths) {
  EXPECT_FALSE(DecodeHash("").has_value());
  EXPECT_FALSE(DecodeHash("ZG9uJ3QgY2FyZSAy").has_value());  // 12 bytes
  EXPECT_FALSE(DecodeHash("not base64!!").has_value());
  std::optional<Hash> ok =
      DecodeHash("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, EmptyTreeRoot());
}

// Decodes standard base64 of any length (roots as received); nullopt when
// it is not base64.
std::optional<std::string> DecodeBytes(const std::string& base64) {
  if (base64.size() % 4 != 0) return std::nullopt;
  std::string raw(base64.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                      reinterpret_cast<const unsigned char*>(base64.data()),
                      static_cast<int>(base64.size()));
  if (n < 0) return std::nullopt;
  size_t length = static_cast<size_t>(n);
  if (base64.ends_with("==")) {
    length -= 2;
  } else if (base64.ends_with("=")) {
    length -= 1;
  }
  raw.resize(length);
  return raw;
}

// Evaluates one probe; returns true when it verifies.
bool ProbeVerifies(const nlohmann::json& probe, std::string* why) {
  auto hash_field = [&](const nlohmann::json& value,
                        const std::string& name) -> std::optional<Hash> {
    std::optional<Hash> hash = DecodeHash(value.get<std::string>());
    if (!hash) *why = name + " is not a base64 32-byte hash";
    return hash;
  };
  std::vector<Hash> proof;
  if (!probe["proof"].is_null()) {
    for (const nlohmann::json& item : probe["proof"]) {
      std::optional<Hash> hash = hash_field(item, "proof hash");
      if (!hash) return false;
      proof.push_back(*hash);
    }
  }
  absl::Status status;
  if (probe.contains("leafIdx")) {
    std::optional<Hash> root = hash_field(probe["root"], "root");
    if (!root) return false;
    std::optional<Hash> leaf = hash_field(probe["leafHash"], "leafHash");
    if (!leaf) return false;
    status =
        VerifyInclusion(probe["leafIdx"].get<uint64_t>(),
                        probe["treeSize"].get<uint64_t>(), *leaf, proof, *root);
  } else {
    // Roots go in as received: the byte form of VerifyConsistency checks
    // their length where it matters.
    std::optional<std::string> root1 = DecodeBytes(probe["root1"]);
    std::optional<std::string> root2 = DecodeBytes(probe["root2"]);
    if (!root1 || !root2) {
      *why = "a root is not base64";
      return false;
    }
    status = VerifyConsistency(probe["size1"].get<uint64_t>(),
                               probe["size2"].get<uint64_t>(), proof,
                               std::string_view(*root1),
                               std::string_view(*root2));
  }
  *why = status.ToString();
  return status.ok();
}

TEST(MerkleProbeTest, AllPublishedProbesGiveTheExpectedVerdict) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(OCOPTRACE_TEST_DATA_DIR) / "merkle";
  int probes = 0;
  int expected_ok = 0;
  for (const char* kind : {"inclusion", "consistency"}) {
    for (const auto& file : fs::recursive_directory_iterator(dir / kind)) {
      if (!file.is_regular_file() || file.path().extension() != ".json") {
        continue;
      }
      const std::string name = fs::relative(file.path(), dir).string();
      std::ifstream in(file.path());
      const nlohmann::json probe = nlohmann::json::parse(in);
      ++probes;
      std::string why;
      const bool verifies = ProbeVerifies(probe, &why);
      const bool want_error = probe["wantErr"].get<bool>();
      if (!want_error) ++expected_ok;
      EXPECT_EQ(verifies, !want_error)
          << name << " (" << probe["desc"].get<std::string>() << "): " << why;
    }
  }
  std::cout << "merkle probes checked: " << probes << " (" << expected_ok
            << " expected to verify)\n";
  EXPECT_EQ(probes, 196);
  EXPECT_EQ(expected_ok, 12);
}

TEST(MerkleConsistency, ByteRootsNeed32BytesWhenSizesDiffer) {
  const Hash root = LeafHash("x");
  EXPECT_TRUE(VerifyConsistency(1, 1, {}, root, root).ok());
  EXPECT_TRUE(VerifyConsistency(1, 1, {}, std::string_view("short"),
                                std::string_view("short"))
                  .ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, {}, std::string_view("short"),
                                 std::string_view("other"))
                   .ok());
  auto status = VerifyConsistency(1, 2, {root}, std::string_view("short"),
                                  std::string_view("short"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("root1"));
}

}  // namespace
}  // namespace ocoptrace
