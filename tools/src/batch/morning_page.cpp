// The morning page, summary.html: one printed page for the morning meeting (night.hpp).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "batch/night.hpp"
#include "vigil/rules/overdue.hpp"

namespace vigil::backoffice::batch_detail {

namespace {

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kRiskColours[] = {"#3d7a3c", "#c99a06", "#b54d0d", "#b3261e"};
constexpr const char* kRiskLabels[] = {"Low", "Medium", "High", "Very high"};

// Overdue items by age band, stacked by risk level, as SVG.
std::string backlog_chart(const reports::OverdueSummary& summary,
                          const std::vector<OverdueItem>& items) {
  int counts[5][4] = {};
  for (const auto& item : items) ++counts[age_band(item.days_overdue)][index_of(item.risk_level)];
  int highest = 1;
  for (const int total : summary.by_age_band) highest = std::max(highest, total);
  const int width = 520, height = 220, left = 40, bottom = 30, bar = 80;
  const double scale = static_cast<double>(height - bottom - 20) / highest;
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) +
                    "\" role=\"img\" aria-label=\"Overdue items by age band and risk level\">";
  char buffer[256];
  for (int band = 0; band < 5; ++band) {
    double y = height - bottom;
    const int x = left + band * (bar + 16);
    for (int risk = 0; risk < 4; ++risk) {
      const double h = counts[band][risk] * scale;
      if (counts[band][risk] == 0) continue;
      y -= h;
      std::snprintf(buffer, sizeof buffer,
                    "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%d "
                    "%s</title></rect>",
                    x, y, bar, h, kRiskColours[risk], counts[band][risk], kRiskLabels[risk]);
      svg += buffer;
    }
    std::snprintf(buffer, sizeof buffer,
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" class=\"total\">%d</text>"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                  x + bar / 2, y - 4, summary.by_age_band[static_cast<std::size_t>(band)],
                  x + bar / 2, height - 10, kAgeBands[band]);
    svg += buffer;
  }
  return svg + "</svg>";
}

// The backlog's total each night of the trend, as SVG.
std::string trend_chart(const reports::BacklogTrend& trend) {
  if (trend.points.empty()) return "<p>No nightly snapshots yet.</p>";
  int highest = 1;
  for (const auto& p : trend.points) highest = std::max(highest, p.total);
  const int width = 520, height = 160, left = 40, right = 10, bottom = 24, top = 10;
  const int span = std::max(1, days_between(trend.from, trend.as_of));
  std::string points, dots;
  char buffer[160];
  for (const auto& p : trend.points) {
    const double x = left + static_cast<double>(days_between(trend.from, p.as_of)) / span *
                                (width - left - right);
    const double y =
        height - bottom - static_cast<double>(p.total) / highest * (height - top - bottom);
    std::snprintf(buffer, sizeof buffer, "%.1f,%.1f ", x, y);
    points += buffer;
    std::snprintf(buffer, sizeof buffer,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#0b4f8a\"><title>%s: %d</title>"
                  "</circle>",
                  x, y, format_date(p.as_of).c_str(), p.total);
    dots += buffer;
  }
  std::snprintf(buffer, sizeof buffer,
                "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
                "text-anchor=\"end\">%s</text>",
                left, height - 6, format_date(trend.from).c_str(), width - right, height - 6,
                format_date(trend.as_of).c_str());
  return "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) +
         "\" role=\"img\" aria-label=\"Overdue items each night\"><polyline fill=\"none\" "
         "stroke=\"#0b4f8a\" stroke-width=\"2\" points=\"" +
         points + "\"/>" + dots + buffer + "<text x=\"" + std::to_string(left - 4) + "\" y=\"" +
         std::to_string(top + 8) + "\" text-anchor=\"end\">" + std::to_string(highest) +
         "</text></svg>";
}

std::string findings_table(const Check& check, std::size_t limit) {
  if (check.findings.empty()) return "<p class=\"ok\">None.</p>";
  std::string html = "<table><thead><tr>";
  for (const auto& [name, value] : check.findings.front().records) {
    html += "<th>" + html_escaped(name) + "</th>";
  }
  html += "<th>What</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < std::min(limit, check.findings.size()); ++i) {
    html += "<tr>";
    for (const auto& [name, value] : check.findings[i].records) {
      html += "<td>" + html_escaped(value) + "</td>";
    }
    html += "<td>" + html_escaped(check.findings[i].detail) + "</td></tr>";
  }
  html += "</tbody></table>";
  if (check.findings.size() > limit) {
    html += "<p>The first " + std::to_string(limit) + " of " +
            std::to_string(check.findings.size()) + ".</p>";
  }
  return html;
}

}  // namespace

std::string summary_html(const Night& night, const Reconciliation& r,
                         const reports::BacklogTrend& trend) {
  const std::string as_of = format_date(night.as_of);
  std::string html =
      "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Vigil morning "
      "report, " +
      as_of +
      "</title><style>"
      "body{font-family:system-ui,sans-serif;font-size:9pt;color:#1b1f24;margin:1.5cm}"
      "p{margin:.3em 0}h1{font-size:14pt;margin:0}h2{font-size:10.5pt;margin:.8em 0 .2em;"
      "break-after:avoid}table{border-collapse:collapse;width:100%;font-size:8pt}th,td{"
      "text-align:left;padding:1px 4px;border-bottom:1px solid #ccc;vertical-align:top}tr{"
      "break-inside:avoid}.broken{color:#b3261e;font-weight:bold}.ok{color:#3d7a3c}.charts{"
      "display:flex;gap:1cm;flex-wrap:wrap}.chart{width:8cm;height:auto}.chart text{"
      "font-size:16px}.chart .total{"
      "font-weight:bold}.legend span{display:inline-block;padding:0 .4em;color:#fff;margin-right:"
      ".3em}@page{size:A4;margin:1cm}@media print{body{margin:0}}"
      "</style></head><body>\n<h1>Vigil morning report: " +
      as_of + "</h1>\n<p>The force's records as of the end of " + as_of +
      " (Europe/London). Restricted: for police use only.</p>\n";
  html += "<h2>Data checks</h2>";
  html += r.clean() ? "<p class=\"ok\">Every invariant holds.</p>"
                    : "<p class=\"broken\">The data is broken: every breach is listed in "
                      "reconcile.json.</p>";
  html += "<table><thead><tr><th>Check</th><th>Breaches</th></tr></thead><tbody>";
  for (const auto& check : r.invariants) {
    html += "<tr><td>" + html_escaped(check.description) + "</td><td class=\"" +
            (check.findings.empty() ? "ok\">none"
                                    : "broken\">" + std::to_string(check.findings.size())) +
            "</td></tr>";
  }
  html += "</tbody></table>\n<h2>What synced</h2><p>";
  std::int64_t total = 0;
  for (const auto& [outcome, n] : r.changes_by_outcome) total += n;
  html += std::to_string(total) + " changes received from " + std::to_string(r.devices_synced) +
          " devices";
  for (const auto& [outcome, n] : r.changes_by_outcome) {
    html += "; " + std::to_string(n) + " " + html_escaped(outcome);
  }
  html += ".</p>\n<h2>Overdue: " + std::to_string(night.overdue.summary.total) + " items; " +
          std::to_string(night.overdue.summary.nominals) +
          " nominals managed</h2><div class=\"charts\"><div>" +
          backlog_chart(night.overdue.summary, night.overdue.items) + "<p class=\"legend\">";
  for (int risk = 3; risk >= 0; --risk) {
    html += std::string("<span style=\"background:") + kRiskColours[risk] + "\">" +
            kRiskLabels[risk] + " " +
            std::to_string(night.overdue.summary.by_risk[static_cast<std::size_t>(risk)]) +
            "</span>";
  }
  html += "</p></div><div>" + trend_chart(trend) + "<p>Overdue items each night, last " +
          std::to_string(reports::kTrendDays) + " days.</p></div></div>\n";
  // One page: every flag counted, and those the meeting acts on first listed under it: the
  // high-risk backlog, bail about to end, and (when there are any) officers' work held on tablets
  // gone quiet, breaches nobody has followed up, safeguarding referrals overdue and the young
  // people the panel should see.
  html += "<h2>Flags</h2><table><thead><tr><th>What</th><th>Count</th></tr></thead><tbody>";
  for (const auto& flag : r.flags) {
    html += "<tr><td>" + html_escaped(flag.description) + "</td><td>" +
            std::to_string(flag.findings.size()) + "</td></tr>";
  }
  html += "</tbody></table>\n";
  for (const auto& flag : r.flags) {
    const bool always =
        flag.name == "overdue_high_risk" || flag.name == "bail_ending_within_7_days";
    const bool when_any = flag.name == "devices_silent_with_pending_changes" ||
                          flag.name == "breaches_not_followed_up" ||
                          flag.name == "safeguarding_referrals_overdue" ||
                          flag.name == "young_people_repeat_encounters";
    if (!always && !(when_any && !flag.findings.empty())) continue;
    html += "<h2>" + html_escaped(flag.description) + "</h2>" + findings_table(flag, 6) + "\n";
  }
  return html + "<p>Every item and breach is listed in reconcile.json.</p></body></html>\n";
}

}  // namespace vigil::backoffice::batch_detail
