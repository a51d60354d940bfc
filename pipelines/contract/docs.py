"""docs/contract-reference.md, generated from the contract: columns, codes and rule codes.

    .venv/bin/python -m pipelines.contract.docs   # after changing pipelines/contract/
A test checks the file is up to date, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.contract import CONTRACT, OUTCOMES, STAGES, Contract

DOC = Path(__file__).resolve().parents[2] / "docs" / "contract-reference.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_markdown(contract: Contract = CONTRACT) -> str:
    out = [
        "# Data contract reference (generated)",
        "",
        "Generated from `pipelines/contract/` by `python -m pipelines.contract.docs`; do not"
        " edit by hand. The prose is in [data-contract.md](data-contract.md).",
        "",
    ]
    for kind in contract.kinds.values():
        out += [
            f"## {kind.name}",
            "",
            f"{kind.label}: {kind.description}. File names start with "
            + ", ".join(f"`{p}`" for p in kind.prefixes)
            + ". Key: ("
            + ", ".join(kind.key)
            + ").",
            "",
            "| column | French header | required | type | codes | other accepted headers |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for c in kind.columns:
            codes = f"`{c.domain}`" if c.domain else ""
            required = "yes" if c.required else ("no (warning)" if c.warn_only else "no")
            if c.required_with:
                required = f"iff `{c.required_with}`"
            synonyms = ", ".join(_cell(s) for s in c.synonyms)
            out.append(
                f"| `{c.name}` | {_cell(c.label)} | {required} | {c.type} | {codes} | {synonyms} |"
            )
        rules = ", ".join(f"`{r.code}`" for r in kind.row_rules)
        out += ["", f"Row rules between columns: {rules}.", ""]
    out += ["## Code lists", ""]
    for domain in contract.domains.values():
        out += [f"### {domain.name}", "", "| code | French label | other spellings |"]
        out += ["| --- | --- | --- |"]
        for code in domain.codes:
            spellings = ", ".join(_cell(s) for s in code.synonyms)
            out.append(f"| `{code.code}` | {_cell(code.label)} | {spellings} |")
        out.append("")
    out += [
        "## Value types",
        "",
        "| type | stored as | rule when unreadable | what to type (French) |",
        "| --- | --- | --- | --- |",
    ]
    for t in contract.types.values():
        out.append(f"| {t.name} | {t.sql} | `{t.rule}` | {_cell(t.help)} |")
    out += [
        "",
        "## Rule codes",
        "",
        "Stages: "
        + ", ".join(f"`{s}`" for s in STAGES)
        + ". Outcomes: "
        + "; ".join(f"`{k}` = {v}" for k, v in OUTCOMES.items())
        + ".",
        "",
        "| code | stages | outcome | meaning (French, as shown to partners) |",
        "| --- | --- | --- | --- |",
    ]
    for rule in contract.rules.values():
        out.append(
            f"| `{rule.code}` | {', '.join(rule.stages)} | {rule.outcome} | {_cell(rule.label)} |"
        )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(reference_markdown(), encoding="utf-8")
    print(f"written {DOC}")
