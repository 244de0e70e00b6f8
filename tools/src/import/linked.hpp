// The files whose rows hang from a record that another file or the database holds: a nominal's
// addresses, orders and notification requirement, an order's conditions, a plan's actions, a
// bail case's extensions and conditions (docs/import-format.md). Each is described once, as data:
// its columns (each fills the field of the sync entity table its name says, or of its parent's
// key), the columns that name the record it hangs from and those that tell it from its siblings.
// One code path (linked.cpp) reads, checks, compares and writes them all, by the entity table's
// grammar. Private to import/.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "import/files.hpp"
#include "vigil/sync/entities.hpp"

namespace vigil::backoffice::import_detail {

class Importer;

// What a linked file's rows hang from, named by the first columns of each row: a nominal by its
// ref; a bail case by its ref; an order by its nominal's ref, its kind and the day it was made; a
// plan by its nominal's ref and the day it started; a young person by their number. `none`: a
// record kept by a team, named by its own key (a young person by number), its team a column.
enum class Parent { none, nominal, bail_case, order, plan, young_person };

// A rule of the domain a row must keep beyond its values' grammar, given the row's values (one
// per column, as stored; officers by username) and the key of the record it hangs from; the
// problem's sentence, or nullopt. Asked once every row of the file is read, so a rule may look
// at the row's siblings whatever their order in the file.
using LinkedRule = std::optional<std::string> (*)(const Importer& importer,
                                                  const std::string& parent_key,
                                                  const std::vector<sync::StoredValue>& values);

struct LinkedFile {
  std::string_view file;
  std::string_view entity;  // in the sync entity table
  Parent parent;
  // Each column's field (column_fields): the parent's key columns name the parent's fields
  // (nominal.ref, ...), the others the entity's own of the same name.
  std::span<const std::string_view> columns;
  // The first key_columns columns identify a row: the parent's key, then what tells the record
  // from the others of the same parent. A file holds a key once; a stored record with the key is
  // the same record, updated (a mutable record) or left (a fact equal to it).
  std::size_t key_columns;
  // Columns whose date or instant may not be after now (when something was done).
  std::span<const std::string_view> past_dates;
  LinkedRule rule = nullptr;
};

// The linked files, in the order they are checked and written (after the other files: each
// hangs from what they define, conditions from the orders before them, encounters and referrals
// from the young people before them).
std::span<const LinkedFile> linked_files();

// Every file `vigil import` reads, in the order they are checked and written.
std::vector<std::string_view> import_files();

// The fields of the parent's key, which a row's first columns name (nominal.ref; for an order
// nominal.ref, order.kind and order.made_on), and how many they are.
std::span<const ColumnField> parent_key_fields(Parent parent);
std::size_t parent_width(Parent parent);

// The field each of a linked file's columns fills, in the sync entity table.
std::vector<ColumnField> column_fields(const LinkedFile& spec);

// Keys join their parts with the unit separator, a control character no spreadsheet cell holds.
inline constexpr char kKeySeparator = '\x1f';

}  // namespace vigil::backoffice::import_detail
