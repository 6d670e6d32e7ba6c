#!/usr/bin/env bash
# Checks the operations assets:
#  - every ErrorCode in scheduler-core has a runbook page, linked from README.md;
#  - the Grafana dashboard is valid JSON with the expected uid, variables and PromQL;
#  - the Prometheus rules parse, their runbook links exist, and their unit tests pass.
# promtool (from Debian's `prometheus` package) is used when on PATH or in $PROMTOOL; without it the PromQL and
# alert unit tests are skipped (and said so), the rest still runs. Exit code is non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
promtool="${PROMTOOL:-$(command -v promtool || true)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

python3 - "$root" "$tmp" <<'PY'
import json, os, re, sys
root, tmp = sys.argv[1], sys.argv[2]
ops = os.path.join(root, "docs", "operations")
failures = []
checks = 0

def check(ok, message):
    global checks
    checks += 1
    if not ok:
        failures.append(message)

# 1. Runbooks for every error code.
enum = os.path.join(root, "scheduler-core", "src", "main", "java", "io", "verdict", "scheduler", "errors", "ErrorCode.java")
codes = sorted(set(re.findall(r"\b(ERR_(?:RUN|API)_\d{3})\(", open(enum).read())))
check(len(codes) >= 16, f"expected at least 16 error codes in {enum}, found {len(codes)}")
readme = open(os.path.join(ops, "README.md")).read()
for code in codes:
    page = os.path.join(ops, "errors", code + ".md")
    check(os.path.isfile(page), f"missing runbook {page}")
    if os.path.isfile(page):
        text = open(page).read()
        for section in ("## Symptom", "## Cause", "## What to do"):
            check(section in text, f"{code}.md lacks '{section}'")
    check(f"(errors/{code}.md)" in readme, f"README.md does not link errors/{code}.md")

# 2. Grafana dashboard.
dash = json.load(open(os.path.join(ops, "worker-grafana-dashboard.json")))
check(dash.get("uid") == "scheduler-worker-observability", "dashboard uid")
variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
check(variables.get("datasource", {}).get("type") == "datasource"
      and variables["datasource"].get("query") == "prometheus", "datasource variable")
check(variables.get("mode", {}).get("type") == "query"
      and variables["mode"].get("query") == "label_values(scheduler_planner_runs_total, mode)", "mode variable")
exprs = [(p["title"], tg["expr"]) for p in dash["panels"] for tg in p.get("targets", [])]
check(len(exprs) >= 10, "dashboard has fewer than 10 queries")
ids = [p["id"] for p in dash["panels"]]
check(len(ids) == len(set(ids)), "duplicate panel ids")
# Dashboard PromQL, wrapped as recording rules so promtool can parse it.
with open(os.path.join(tmp, "dashboard-exprs.yaml"), "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, (title, expr) in enumerate(exprs):
        e = expr.replace("$__rate_interval", "5m").replace("$mode", ".*")
        f.write(f"      - record: dashboard:expr{i}\n        expr: {json.dumps(e)}\n")

# 3. Rules: runbook links point at files that exist.
rules_text = open(os.path.join(ops, "worker-prometheus-rules.yaml")).read()
for link in re.findall(r"runbook_url:\s*\"?([^\"\n]+)", rules_text):
    if "{{" in link:
        continue
    check(os.path.isfile(os.path.join(root, link.split("#")[0])), f"runbook_url {link} does not exist")
try:
    import yaml  # optional: promtool parses the file anyway
    doc = yaml.safe_load(rules_text)
    check(isinstance(doc.get("groups"), list) and all("rules" in g for g in doc["groups"]), "rules file shape")
except ImportError:
    pass

for f in failures:
    print("FAIL:", f)
print(f"validate: {checks - len(failures)} checks passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
PY

if [[ -n "$promtool" ]]; then
  "$promtool" check rules "$here/worker-prometheus-rules.yaml"
  "$promtool" check rules "$tmp/dashboard-exprs.yaml"
  (cd "$here" && "$promtool" test rules worker-prometheus-rules.test.yaml)
else
  echo "validate: promtool not found; skipped PromQL checks and alert unit tests" >&2
fi
