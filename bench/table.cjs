// table.cjs prints one table of scripts/bench.sh: as Markdown when md is
// "1" (docs/benchmarks.md), else as aligned columns for the terminal, where
// a cell longer than width is cut.
module.exports = function printTable(head, rows, md, width = Infinity) {
  if (md === "1") {
    console.log(`| ${head.join(" | ")} |`);
    console.log(`|${head.map(() => "---").join("|")}|`);
    for (const row of rows) console.log(`| ${row.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`);
    return;
  }
  const cut = (c) => (c.length > width ? c.slice(0, width - 3) + "..." : c);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => cut(r[i]).length)));
  for (const row of [head, ...rows]) console.log(row.map((c, i) => cut(c).padEnd(w[i])).join("  "));
};
