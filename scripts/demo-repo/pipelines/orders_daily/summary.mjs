// Reads "region,amount" lines on stdin, writes outputs.json in the work dir (the current directory).
import { readFileSync, writeFileSync } from "node:fs";
const byRegion = {};
let orders = 0, revenue = 0;
for (const line of readFileSync(0, "utf8").split("\n").filter(Boolean)) {
  const [region, amount] = line.split(",");
  orders++; revenue += Number(amount);
  byRegion[region] = (byRegion[region] ?? 0) + Number(amount);
}
const top_region = Object.entries(byRegion).sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
writeFileSync("outputs.json", JSON.stringify({ orders, revenue: Math.round(revenue * 100) / 100, top_region }));
console.log(`${orders} orders, revenue ${revenue}, top region ${top_region}`);
