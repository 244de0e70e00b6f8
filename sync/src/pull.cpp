// Pulls: changes after a cursor within the caller's scope, whole records when a device starts
// afresh or a record enters its scope, purge notices when one leaves, and the scope digest.
#include <algorithm>
#include <map>
#include <set>

#include "checks.hpp"
#include "values.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/sync/back_office.hpp"
#include "vigil/sync/engine.hpp"

namespace vigil::sync {
namespace {

// FROM ... JOIN ... up to the record with a team of its own, aliased r; the entity's rows are x.
// A force-wide entity has no team: its rows are x alone.
std::string scoped_from(const EntitySpec& spec) {
  std::string sql = " FROM " + std::string(spec.table) + " x";
  if (spec.force_wide()) return sql + " ";
  std::string alias = "x";
  const EntitySpec* at = &spec;
  int depth = 0;
  while (at->team_column.empty()) {
    const FieldSpec* parent = at->field(at->parent_field);
    const EntitySpec* up = find_entity(parent->references);
    const std::string next = up->team_column.empty() ? "p" + std::to_string(++depth) : "r";
    sql.append(" JOIN ").append(up->table).append(" ").append(next).append(" ON ").append(next);
    sql.append(".id = ").append(alias).append(".").append(parent->column);
    alias = next;
    at = up;
  }
  if (alias == "x") sql += " JOIN " + std::string(spec.table) + " r ON r.id = x.id";
  return sql + " ";
}

// The team column of the record at the top of the entity's chain of parents.
std::string team_column_of_root(const EntitySpec& spec) {
  const EntitySpec* at = &spec;
  while (at->team_column.empty()) at = find_entity(at->field(at->parent_field)->references);
  return std::string(at->team_column);
}

// The condition that keeps the records of the teams in ?1 (a JSON array of team ids). Every
// tablet holds every record of a force-wide entity; ?1 is still named so it binds the same way.
std::string in_teams(const EntitySpec& spec) {
  if (spec.force_wide()) return "?1 IS NOT NULL";
  return "r." + team_column_of_root(spec) + " IN (SELECT value FROM json_each(?1))";
}

// The entity at the top of a record's chain of parents (itself when it has no parent).
std::string root_entity_of(const EntitySpec& spec) {
  const EntitySpec* at = &spec;
  while (!at->parent_field.empty()) at = find_entity(at->field(at->parent_field)->references);
  return std::string(at->name);
}

// Reads whole records of one entity, in id order after `after_id`, at most `limit` of them (0: no
// limit): every record in the teams (?1 a JSON array of team ids), or the records under one root
// record (?1 its id). Returns how many it read.
int read_records(store::Database& db, const EntitySpec& spec, bool by_root, const std::string& key,
                 Names& names, std::vector<PullItem>& out, std::set<Disclosure>* disclosed,
                 const std::string& after_id = "", int limit = 0) {
  // The root's id last, for the disclosure: what a page carried is audited by the record each
  // item hangs from.
  const std::string root_entity = root_entity_of(spec);
  const std::string columns = "x.id, x.sync_seq, coalesce(x.sync_clock, ''), " +
                              record_columns(spec) +
                              (spec.force_wide() ? std::string(", NULL") : std::string(", r.id"));
  const std::string condition = by_root ? "WHERE r.id = ?1" : "WHERE " + in_teams(spec);
  auto s = db.prepare("SELECT " + columns + scoped_from(spec) + condition +
                      " AND x.id > ?2 ORDER BY x.id LIMIT ?3");
  s.bind(1, key).bind(2, after_id).bind(3, limit > 0 ? limit : -1);
  int count = 0;
  while (s.step()) {
    PullItem item;
    item.kind = PullItem::Kind::record;
    item.entity = spec.name;
    item.entity_id = s.column_text(0);
    item.seq = s.column_int(1);
    item.clock = s.column_text(2);
    item.fields = record_fields(spec, s, 3, names);
    if (disclosed != nullptr && !spec.force_wide()) {
      disclosed->insert({root_entity, s.column_text(3 + static_cast<int>(spec.fields.size()))});
    }
    out.push_back(std::move(item));
    ++count;
  }
  return count;
}

// Where a paged first sync stopped: the sequence number it started from, the entity and the last
// id sent ("1532:3:<id>"). Opaque to the tablet, which sends it back as `resume`.
struct Resume {
  std::int64_t snapshot_seq = 0;
  std::size_t entity = 0;
  std::string after_id;
};

Resume parse_resume(const std::string& token, std::int64_t newest) {
  if (token.empty()) return {newest, 0, ""};
  const auto first = token.find(':');
  const auto second = first == std::string::npos ? first : token.find(':', first + 1);
  const auto refused = [&] {
    return WireError("resume '" + token.substr(0, 80) + "' is not a token this server gave");
  };
  if (second == std::string::npos) throw refused();
  Resume resume;
  try {
    resume.snapshot_seq = std::stoll(token.substr(0, first));
    resume.entity = std::stoul(token.substr(first + 1, second - first - 1));
    resume.after_id = token.substr(second + 1);
  } catch (const std::logic_error&) {  // not a number, or out of range
    throw refused();
  }
  if (resume.snapshot_seq < 0 || resume.snapshot_seq > newest ||
      resume.entity >= entities().size()) {
    throw WireError("resume '" + token.substr(0, 80) + "' is not a token this server gave");
  }
  return resume;
}

void read_subtree(store::Database& db, const std::string& root_entity, const std::string& root_id,
                  Names& names, std::vector<PullItem>& out, std::set<Disclosure>* disclosed) {
  for (const auto& spec : entities()) {
    if (spec.held_on_tablet() && root_entity_of(spec) == root_entity) {
      read_records(db, spec, true, root_id, names, out, disclosed);
    }
  }
}

}  // namespace

PullResponse SyncEngine::pull(store::Database& db, const Caller& caller, std::int64_t since,
                              int limit, const std::string& resume, std::set<Disclosure>* disclosed,
                              bool digest_if_sent) {
  PullResponse response;
  store::ReadSnapshot snapshot(db);
  response.server_time = format_instant(now_());
  Names names(db);
  const std::string teams = base::json_string_array(caller.team_ids);
  limit = std::clamp(limit, 1, 10000);

  const std::int64_t newest = store::single_int(db, "SELECT coalesce(max(seq), 0) FROM changes");

  if (since <= 0) {
    // A first sync sends every record in scope, in pages. Changes made while the pages are
    // fetched come again in the pulls that follow from the cursor the first page saw.
    Resume at = parse_resume(resume, newest);
    const auto& all = entities();
    int room = limit;
    for (std::size_t e = at.entity; e < all.size() && room > 0; ++e) {
      if (!all[e].held_on_tablet()) continue;
      const std::string after = e == at.entity ? at.after_id : "";
      const int read =
          read_records(db, all[e], false, teams, names, response.items, disclosed, after, room);
      room -= read;
      if (room == 0) {
        response.resume = std::to_string(at.snapshot_seq) + ":" + std::to_string(e) + ":" +
                          response.items.back().entity_id;
      }
    }
    response.more = !response.resume.empty();
    response.next = response.more ? 0 : at.snapshot_seq;
  } else {
    auto s = db.prepare(
        "SELECT seq, change_id, entity, entity_id, operation, applied, clock, device_id, "
        "team_id IN (SELECT value FROM json_each(?1)), "
        "left_team_id IS NOT NULL AND left_team_id IN (SELECT value FROM json_each(?1)), "
        "left_team_id IS NOT NULL FROM changes WHERE seq > ?2 AND outcome <> 'rejected' AND "
        "(team_id IN (SELECT value FROM json_each(?1)) OR "
        "left_team_id IN (SELECT value FROM json_each(?1))) ORDER BY seq LIMIT ?3");
    // The back office's changes to the records every tablet holds come to every tablet.
    std::vector<std::string> receiving = caller.team_ids;
    receiving.push_back(kEveryTablet);
    s.bind(1, base::json_string_array(receiving)).bind(2, since).bind(3, limit);
    int count = 0;
    response.next = since;
    // The log says which team a change was made in; what may be sent is decided by where each
    // record is now. A record that has left the caller's teams since (even one that came in and
    // went out again after the cursor) is purged, never sent: its content is another team's.
    std::map<std::string, std::optional<RootRecord>> roots;  // "entity:id" -> its root now
    const auto root_now = [&](const std::string& entity, const std::string& id) {
      const std::string key = entity + ':' + id;
      auto found = roots.find(key);
      if (found == roots.end()) found = roots.emplace(key, root_of(db, entity, id)).first;
      return found->second;
    };
    const auto purge = [&](const std::string& entity, const std::string& id) {
      PullItem item;
      item.kind = PullItem::Kind::purge;
      item.seq = response.next;
      item.entity = entity;
      item.entity_id = id;
      response.items.push_back(std::move(item));
    };
    while (s.step()) {
      ++count;
      response.next = s.column_int(0);
      const bool in_scope = s.column_int(8) != 0;
      const bool left_scope = s.column_int(9) != 0;
      const std::string entity = s.column_text(2);
      const std::string entity_id = s.column_text(3);
      const bool moved = s.column_int(10) != 0;
      const EntitySpec* spec = find_entity(entity);
      // Decisions and read events change no record a tablet holds: nothing of them is sent.
      if (spec == nullptr || !spec->held_on_tablet()) continue;
      std::optional<RootRecord> root;
      if (!spec->force_wide()) {
        root = root_now(entity, entity_id);
        if (!root) continue;  // no such record now: nothing to send, nothing held to purge
        if (std::find(caller.team_ids.begin(), caller.team_ids.end(), root->team) ==
            caller.team_ids.end()) {
          purge(root->entity, root->id);
          continue;
        }
      }
      if (moved && left_scope && !in_scope) {
        // Left the caller's teams here; it is back in them now, and a later change in this pull
        // sends it whole again.
        purge(entity, entity_id);
      } else if (moved && in_scope && !left_scope) {
        // The record has just come into scope: send all of it as it stands.
        read_subtree(db, entity, entity_id, names, response.items, disclosed);
      } else {
        PullItem item;
        item.kind = PullItem::Kind::change;
        item.seq = response.next;
        item.change_id = s.column_text(1);
        item.entity = entity;
        item.entity_id = entity_id;
        item.operation = parse_enum<Operation>(s.column_view(4)).value_or(Operation::update);
        item.fields = decode_fields(s.column_view(5));
        item.clock = s.column_text(6);
        item.device_id = s.column_text(7);
        if (disclosed != nullptr && root) disclosed->insert({root->entity, root->id});
        response.items.push_back(std::move(item));
      }
    }
    response.more = count == limit && response.next < newest;
  }
  // The digest describes the scope once the tablet has everything up to `next`.
  const bool sent = since <= 0 || !response.items.empty();
  if (!response.more && (sent || !digest_if_sent)) {
    response.digest = scope_digest(db, caller.team_ids);
  }
  return response;
}

std::string SyncEngine::scope_digest(store::Database& db,
                                     const std::vector<std::string>& team_ids) {
  base::Sha256 digest;
  Names names(db);
  const std::string teams = base::json_string_array(team_ids);
  for (const auto& spec : entities()) {
    if (!spec.held_on_tablet()) continue;
    // A synced record's last change is its sync_seq. The back office changes its records without
    // one, so theirs are also described by every field, in wire form as the tablet holds it.
    // Kept prepared on the connection: every pull's last page and every tablet's check of it
    // reads the digest.
    auto& s = db.cached("SELECT x.id, x.sync_seq" +
                        (spec.back_office ? ", " + record_columns(spec) : std::string()) +
                        scoped_from(spec) + "WHERE " + in_teams(spec) + " ORDER BY x.id");
    s.bind(1, teams);
    while (s.step()) {
      digest.add(spec.name).add("\t").add(s.column_view(0)).add("\t");
      digest.add(std::to_string(s.column_int(1)));
      if (spec.back_office) {
        const FieldValues fields = record_fields(spec, s, 2, names);
        for (const auto& field : spec.fields) {
          const auto& value = fields.at(std::string(field.name));
          digest.add("\t").add(value ? std::string_view(*value) : std::string_view("\\N"));
        }
      }
      digest.add("\n");
    }
  }
  return digest.hex();
}

std::vector<ConflictRecord> SyncEngine::conflicts(store::Database& db, const Caller& caller,
                                                  bool open_only) {
  std::vector<ConflictRecord> out;
  store::ReadSnapshot snapshot(db);
  auto s = db.prepare(std::string("SELECT ") + kConflictColumns +
                      "WHERE (?1 = 0 OR c.status = 'open') ORDER BY c.detected_at, c.id");
  s.bind(1, open_only);
  while (s.step()) {
    const auto* spec = find_entity(s.column_view(1));
    if (spec == nullptr) continue;
    // The record's team decides who may see the conflict.
    auto& team_query =
        db.cached("SELECT r." + team_column_of_root(*spec) + scoped_from(*spec) + "WHERE x.id = ?");
    team_query.bind_all(s.column_text(2));
    const bool visible =
        team_query.step() && std::find(caller.team_ids.begin(), caller.team_ids.end(),
                                       team_query.column_text(0)) != caller.team_ids.end();
    team_query.reset();
    if (visible) out.push_back(conflict_from_row(s));
  }
  return out;
}

}  // namespace vigil::sync
