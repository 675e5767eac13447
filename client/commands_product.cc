// tracectl product add|update|get|list.

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/arguments.h"
#include "client/cli.h"

namespace ocoptrace::client {
namespace {

struct ProductOptions {
  std::string gtin;
  std::string name;
  std::string producer;
  std::string group;
  std::vector<std::string> standards;
  uint32_t shelf_life_days = 0;
  std::string image;
  std::string brand;
  std::string net_content;
  std::string description;
  bool demo = false;
};

absl::Status ApplyProductOptions(const ProductOptions& options,
                                 v1::ProductRecord& record) {
  absl::StatusOr<std::string> gtin = ParseGtinArgument(options.gtin);
  if (!gtin.ok()) return gtin.status();
  record.set_gtin(*gtin);
  if (!options.name.empty()) record.set_name(options.name);
  if (!options.producer.empty()) record.set_producer_id(options.producer);
  if (!options.group.empty()) {
    absl::StatusOr<v1::OcopGroup> group = ParseOcopGroup(options.group);
    if (!group.ok()) return group.status();
    record.set_group(*group);
  }
  if (!options.standards.empty()) {
    record.clear_standards();
    for (const std::string& standard : options.standards) {
      *record.add_standards() = ParseStandard(standard);
    }
  }
  if (options.shelf_life_days > 0) {
    record.set_shelf_life_days(options.shelf_life_days);
  }
  if (!options.image.empty()) record.set_image(options.image);
  if (!options.brand.empty()) record.set_brand(options.brand);
  if (!options.net_content.empty()) record.set_net_content(options.net_content);
  if (!options.description.empty()) record.set_description(options.description);
  if (options.demo) record.set_demo(true);
  return absl::OkStatus();
}

// Signs `record` as `kind` on product/<gtin> and sends it.
absl::Status SendProduct(Cli& cli, const std::string& kind,
                         const v1::ProductRecord& record) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  bool is_update = kind == "product.updated";
  EntryToSign entry{kind, ProductSubject(record.gtin()),
                    record.SerializeAsString(), std::nullopt};
  absl::StatusOr<v1::EntryReceipt> receipt = cli.SignAndSend(
      entry, [connection, is_update](const v1::SignedEntry& signed_entry) {
        if (is_update) {
          v1::UpdateProductRequest request;
          *request.mutable_signed_() = signed_entry;
          return connection->Call(connection->registry(),
                                  &v1::Registry::Stub::UpdateProduct, request);
        }
        v1::RegisterProductRequest request;
        *request.mutable_signed_() = signed_entry;
        return connection->Call(connection->registry(),
                                &v1::Registry::Stub::RegisterProduct, request);
      });
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

absl::StatusOr<v1::Product> FetchProduct(Cli& cli, const std::string& gtin) {
  absl::StatusOr<std::string> normalized = ParseGtinArgument(gtin);
  if (!normalized.ok()) return normalized.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetProductRequest request;
  request.set_gtin(*normalized);
  return (*conn)->Call((*conn)->registry(), &v1::Registry::Stub::GetProduct,
                       request);
}

absl::Status RunProductAdd(Cli& cli, const ProductOptions& options) {
  v1::ProductRecord record;
  if (absl::Status applied = ApplyProductOptions(options, record);
      !applied.ok()) {
    return applied;
  }
  if (record.producer_id().empty()) {
    absl::StatusOr<v1::Principal> me = cli.Me();
    if (!me.ok()) return me.status();
    if (me->producer_id().empty()) {
      return absl::InvalidArgumentError(
          "--producer: you are not a producer principal; name the owner "
          "producer id");
    }
    record.set_producer_id(me->producer_id());
  }
  return SendProduct(cli, "product.registered", record);
}

absl::Status RunProductUpdate(Cli& cli, const ProductOptions& options) {
  absl::StatusOr<v1::Product> current = FetchProduct(cli, options.gtin);
  if (!current.ok()) return current.status();
  v1::ProductRecord record = current->record();
  if (absl::Status applied = ApplyProductOptions(options, record);
      !applied.ok()) {
    return applied;
  }
  return SendProduct(cli, "product.updated", record);
}

std::string StandardsText(const v1::ProductRecord& record) {
  std::vector<std::string> codes;
  for (const v1::AppliedStandard& standard : record.standards()) {
    codes.push_back(standard.declaration_number().empty()
                        ? standard.code()
                        : absl::StrCat(standard.code(), " (tự công bố ",
                                       standard.declaration_number(), ")"));
  }
  return absl::StrJoin(codes, "; ");
}

std::string StarsText(uint32_t stars) {
  if (stars == 0) return "none active";
  std::string text = std::to_string(stars) + " ";
  for (uint32_t i = 0; i < stars; ++i) text += "★";
  return text;
}

absl::Status RunProductGet(Cli& cli, const std::string& gtin) {
  absl::StatusOr<v1::Product> product = FetchProduct(cli, gtin);
  if (!product.ok()) return product.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*product));
    return absl::OkStatus();
  }
  const v1::ProductRecord& record = product->record();
  print.Text(RenderFields({
      {"GTIN", record.gtin()},
      {"name", record.name()},
      {"producer", record.producer_id()},
      {"OCOP group", OcopGroupWord(record.group())},
      {"standards", StandardsText(record)},
      {"shelf life", record.shelf_life_days()
                         ? absl::StrCat(record.shelf_life_days(), " days")
                         : ""},
      {"image", record.image()},
      {"brand", record.brand()},
      {"net content", record.net_content()},
      {"description", record.description()},
      {"OCOP stars today", StarsText(product->active_stars())},
      {"certificates", absl::StrJoin(product->certificates(), ", ")},
      {"demo", record.demo() ? "yes (placeholder data)" : ""},
  }));
  return absl::OkStatus();
}

absl::Status RunProductList(Cli& cli, const std::string& producer) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::ListProductsResponse all;
  v1::ListProductsRequest request;
  request.set_producer_id(producer);
  do {
    absl::StatusOr<v1::ListProductsResponse> page = (*conn)->Call(
        (*conn)->registry(), &v1::Registry::Stub::ListProducts, request);
    if (!page.ok()) return page.status();
    all.mutable_products()->MergeFrom(page->products());
    request.mutable_page()->set_page_token(page->next_page_token());
  } while (!request.page().page_token().empty());
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(all));
    return absl::OkStatus();
  }
  Table table({"GTIN", "NAME", "PRODUCER", "GROUP", "STARS", "STANDARD"});
  for (const v1::Product& product : all.products()) {
    const v1::ProductRecord& record = product.record();
    table.AddRow(
        {record.gtin(), record.name(), record.producer_id(),
         OcopGroupWord(record.group()),
         product.active_stars() ? StarsText(product.active_stars()) : "-",
         StandardsText(record)});
  }
  print.Text(table.Render());
  return absl::OkStatus();
}

void AddProductFlags(CLI::App* command, ProductOptions& options,
                     bool required) {
  CLI::Option* name =
      command->add_option("--name", options.name,
                          "Name in Vietnamese, e.g. \"Miến dong Tài Hoan\"");
  CLI::Option* group = command->add_option(
      "--group", options.group,
      "OCOP group: food, drinks, herbal, handicrafts, ornamental, tourism");
  if (required) {
    name->required();
    group->required();
  }
  command->add_option("--producer", options.producer,
                      "Owner producer id (default: yours)");
  command->add_option("--standard", options.standards,
                      "Applied standard, e.g. \"TCCS 01:2021/HTXTH\", with "
                      "its self-declaration (tự công bố) number after a "
                      "';': \"TCCS 01:2021/HTXTH;01/2021/HTXTH\" "
                      "(repeatable)");
  command->add_option("--shelf-life-days", options.shelf_life_days,
                      "Shelf life in days");
  command->add_option("--image", options.image,
                      "Image: https URL or sha256:<hex>");
  command->add_option("--brand", options.brand, "Brand or collective mark");
  command->add_option("--net-content", options.net_content,
                      "Net content as printed, e.g. \"500 g\"");
  command->add_option("--description", options.description,
                      "Short description in Vietnamese");
  command->add_flag("--demo", options.demo, "Mark as demo data");
}

}  // namespace

void AddProductCommands(CLI::App& app, Cli& cli) {
  CLI::App* product = app.add_subcommand("product", "Products (by GTIN)");
  product->require_subcommand(1);

  auto add_options = std::make_shared<ProductOptions>();
  CLI::App* add = product->add_subcommand(
      "add", "Register a product (signed with your producer key)");
  add->add_option("--gtin", add_options->gtin,
                  "GTIN-13 or GTIN-14, check digit verified")
      ->required();
  AddProductFlags(add, *add_options, /*required=*/true);
  SetAction(add, cli,
            [&cli, add_options] { return RunProductAdd(cli, *add_options); });

  auto update_options = std::make_shared<ProductOptions>();
  CLI::App* update = product->add_subcommand(
      "update", "Change a product (the flags given replace values)");
  update->add_option("gtin", update_options->gtin, "GTIN")->required();
  AddProductFlags(update, *update_options, /*required=*/false);
  SetAction(update, cli, [&cli, update_options] {
    return RunProductUpdate(cli, *update_options);
  });

  auto get_gtin = std::make_shared<std::string>();
  CLI::App* get = product->add_subcommand("get", "Show a product");
  get->add_option("gtin", *get_gtin, "GTIN")->required();
  SetAction(get, cli,
            [&cli, get_gtin] { return RunProductGet(cli, *get_gtin); });

  auto list_producer = std::make_shared<std::string>();
  CLI::App* list = product->add_subcommand("list", "List products");
  list->add_option("--producer", *list_producer, "Only this producer's");
  SetAction(list, cli, [&cli, list_producer] {
    return RunProductList(cli, *list_producer);
  });
}

}  // namespace ocoptrace::client
