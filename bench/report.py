"""The Markdown table of a benchmark run (``bench/results/*.md``)."""

from __future__ import annotations

from typing import Any


def _n(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"
    return f"{value:,}"


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    m = meta["machine"]
    store = meta["store"]
    data = meta["dataset"]
    counts = data["counts"]
    lines = [
        f"# Udkast benchmark — {meta['mode']} run, {meta['date']}",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB; Python {m['python']}, pymongo {m['pymongo']}, "
        f"Strawberry {m['strawberry']}, uvicorn {m['uvicorn']}. Store: {store['kind']}. "
        f"App, floor, store and load driver share the machine.",
        "",
        "Dataset: "
        + ", ".join(f"{_n(v)} {k.replace('_', ' ')}" for k, v in counts.items())
        + f" (built in {data['seconds_to_build']} s). "
        f"Each cell: {', '.join(map(str, meta['plan']['levels']))} concurrent clients, at most "
        f"{meta['plan']['requests_per_cell']} requests or {meta['plan']['seconds_per_cell']} s. "
        f"Whole run {meta['seconds']} s; load average {meta['load_average']['start'][0]} at the start, "
        f"{meta['load_average']['end'][0]} at the end (other work on the machine shows here).",
        "",
        *(
            [
                "Quick run: a smoke test on a small dataset. A cell with more clients than its request budget "
                "sends the whole budget at once.",
                "",
            ]
            if meta["mode"] == "quick"
            else []
        ),
        "Latencies in ms. *Round trips*: store commands for one request on its own. "
        "*×floor*: the GraphQL operation's p95 over the p95 of a bare Starlette + pymongo endpoint reading "
        "the same data in the same run (higher is worse).",
        "",
        "| operation | clients | req/s | p50 | p95 | p99 | errors | round trips | floor p50 | floor p95 | ×floor p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for op in results["operations"]:
        for i, row in enumerate(op["levels"]):
            floor = row.get("floor") or {}
            name = f"**{op['name']}**" if i == 0 else ""
            rt = ""
            if i == 0:
                rt = _n(op.get("round_trips"))
                if op.get("floor_round_trips") is not None:
                    rt += f" (floor {op['floor_round_trips']})"
            if "skipped" in row:
                cells = "saturated | | | |"
            elif row["errors"] == row["requests"]:
                cells = f"0 | – | – | – | {row['errors']} of {row['requests']}"
            else:
                cells = (
                    f"{_n(row['throughput'])} | {_n(row['p50'])} | {_n(row['p95'])} | {_n(row['p99'])} | "
                    f"{row['errors']} of {row['requests']}"
                )
            if "skipped" in floor:
                floor_cells = "saturated | | "
            elif floor and floor["errors"] == floor["requests"]:
                floor_cells = f"– | – ({floor['errors']} errors) | –"
            elif floor:
                floor_cells = f"{_n(floor['p50'])} | {_n(floor['p95'])} | {_n(row.get('ratio_p95'))}"
                if floor.get("errors"):
                    floor_cells = f"{_n(floor['p50'])} | {_n(floor['p95'])} ({floor['errors']} errors) | " + _n(
                        row.get("ratio_p95")
                    )
            else:
                floor_cells = " | | "
            lines.append(f"| {name} | {row['clients']} | {cells} | {rt} | {floor_cells} |")
    lines += ["", "Operations:", ""]
    for op in results["operations"]:
        extra = f" — outcomes {op['outcomes']}" if op.get("outcomes") else ""
        commands = ", ".join(f"{k} ×{v}" for k, v in sorted(op.get("commands", {}).items()))
        lines.append(f"* `{op['name']}`: {op['title']}{extra}. Store commands: {commands or 'none'}.")
    followed = results.get("followers")
    if followed:
        idle = {"without": followed["idle_without"], "with": followed.get("idle_with", {})}
        lines += [
            "",
            f"## Readers keeping the document open ({followed['followers']} subscriptions to its events)",
            "",
            "Store commands per second while nobody writes: "
            + "; ".join(
                f"{label} them {sum(idle[label].values()):.1f}/s"
                + (f" ({', '.join(f'{k} {v}' for k, v in idle[label].items())})" if idle[label] else "")
                for label in ("without", "with")
            )
            + ".",
            "",
            "| document_outline | clients | req/s | p50 | p95 | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label in ("without", "with"):
            for row in followed[label]:
                lines.append(
                    f"| {label} readers following | {row['clients']} | {_n(row['throughput'])} | {_n(row['p50'])} | "
                    f"{_n(row['p95'])} | {row['errors']} of {row['requests']} |"
                )
    growth = results.get("growth")
    if growth:
        names = [
            n
            for n in ("document_view", "reader_suggestions", "document_outline", "comments_panel")
            if n in growth["comments"][0]
        ]
        lines += [
            "",
            f"## Growth ({growth['sections']} sections, 1 client; p50 in ms, × = ratio to the smallest size, "
            "rt = round trips)",
            "",
            "| comments per section | versions per section | " + " | ".join(f"{n} p50 | × | rt" for n in names) + " |",
            "| ---: | ---: | " + " | ".join("---: | ---: | ---:" for _ in names) + " |",
        ]
        seen = set()
        for row in growth["comments"] + growth["versions"]:
            key = (row["comments"], row["versions"])
            if key in seen:
                continue
            seen.add(key)
            cells = " | ".join(
                f"{_n(row[n]['p50'])} | {_n(row[n]['ratio_p50'])} | {row[n]['round_trips']}" for n in names
            )
            lines.append(f"| {_n(row['comments'])} | {_n(row['versions'])} | {cells} |")
        along = growth.get("along_sections")
        if along:
            names = ["document_view", "save_section", "add_comment"]
            lines += [
                "",
                "Along sections (10 comments and 1 version per section, 1 client; p50 in ms):",
                "",
                "| sections | " + " | ".join(f"{n} p50 | × | rt" for n in names) + " |",
                "| ---: | " + " | ".join("---: | ---: | ---:" for _ in names) + " |",
            ]
            for row in along:
                cells = " | ".join(
                    f"{_n(row[n]['p50'])} | {_n(row[n]['ratio_p50'])} | {row[n]['round_trips']}" for n in names
                )
                lines.append(f"| {_n(row['sections'])} | {cells} |")
    if meta.get("notes"):
        lines += ["", "Notes:", ""] + [f"* {note}" for note in meta["notes"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    # python -m bench.report bench/results/NAME.json: write NAME.md again from the figures.
    for name in sys.argv[1:]:
        source = Path(name)
        source.with_suffix(".md").write_text(markdown(json.loads(source.read_text())))
