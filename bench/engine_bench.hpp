#pragma once
// `zohosync-bench engine`: plan + apply over generated people in five
// in-memory collections -- an initial sync, a no-change cycle (a full
// re-listing that must plan nothing) and a 1% churn cycle.

#include <cstddef>
#include <string>
#include <vector>

#include "common/include_rule.hpp"

namespace zohosync::bench {

struct Phase {
  std::string name;  // "initial" | "noop" | "churn"
  double seconds = 0;
  double cpu_seconds = 0;    // user + system CPU of the process during the phase
  double records_per_s = 0;  // records listed and reconciled per second (wall)
  std::size_t records = 0;
  std::size_t writes = 0;  // product writes confirmed
  // Resident memory when the phase began, and its peak during the phase (the
  // kernel's high-water mark, reset at the start of each phase). Both hold
  // the bench's in-memory products too: what the phase added is the difference.
  std::size_t rss_before_bytes = 0;
  std::size_t peak_rss_bytes = 0;
};

struct EngineBenchResult {
  std::size_t people = 0;
  std::vector<Phase> phases;
  double lmdb_bytes_per_person = 0;
  // The store's used size before and after 10 more no-change cycles (the
  // goal: no growth; LMDB reuses the pages each commit frees).
  double lmdb_bytes_before_repeats = 0;
  double lmdb_bytes_after_repeats = 0;
  std::size_t peak_rss_bytes = 0;
};

// `crm_include`: include rules for crm.contacts (selective sync's cost;
// every generated record has the person fields, so "Email exists" keeps all).
EngineBenchResult run_engine_bench(std::size_t people, const std::string& work_dir,
                                   const std::vector<common::IncludeRule>& crm_include = {});

std::string to_json(const EngineBenchResult& result);
std::string to_table(const EngineBenchResult& result);

}  // namespace zohosync::bench
