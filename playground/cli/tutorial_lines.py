"""The built-in tutorials in `playground lesson list` and `lesson show`."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from playground.i18n import mark, tr
from playground.i18n.terminal import aligned_table


def _data(made) -> str:
    """Where a tutorial's data comes from, in a few words."""
    if made.download is None:
        return tr("offline")
    if made.stand_in is None:
        return tr("downloads {dataset}", dataset=made.download)
    return tr("downloads {dataset} (offline: {stand_in})", dataset=made.download,
              stand_in=made.stand_in)


def _check(check) -> str:
    if check is None:
        return "-"
    if check.goal is not None:
        return str(check.goal)
    return tr("no {rule} from the training doctor", rule=check.rule_name)


def tutorial_entries() -> list[dict[str, Any]]:
    """The tutorials for `lesson list --json` (English keys and values)."""
    from playground.lessons.tutorials import TUTORIALS

    return [{"tutorial": {"id": made.id, "title": made.title, "summary": made.summary,
                          "steps": len(made.steps), "download": made.download,
                          "stand_in": made.stand_in,
                          "query": f"tutorial={made.id}&step=1"}}
            for made in TUTORIALS.values()]


def tutorials_table() -> str:
    """The tutorials as an aligned table: id, title, steps, data."""
    from playground.lessons.tutorials import TUTORIALS

    return aligned_table(tuple(map(tr, (mark("TUTORIAL"), mark("TITLE"), mark("STEPS"),
                                        mark("DATA")))),
                         [(made.id, tr(made.title), str(len(made.steps)), _data(made))
                          for made in TUTORIALS.values()])


def show_tutorial(tutorial_id: str, as_json: bool) -> None:
    """Prints a tutorial and its steps."""
    from playground.lessons.tutorials import TUTORIALS
    from playground.lessons.tutorials.steps import PAGE_TITLES

    made = TUTORIALS[tutorial_id]
    if as_json:
        print(json.dumps({"tutorial": tutorial_entries()[list(TUTORIALS).index(
            tutorial_id)]["tutorial"], "steps": [{
                "number": number, "title": step.title, "text": step.text,
                "page": step.page, "change": step.change_text or None,
                "question": step.prediction.question if step.prediction else None,
                "choices": list(step.prediction.choices) if step.prediction else [],
                "check": _check(step.check) if step.check else None,
                "offline": step.offline}
                for number, step in enumerate(made.steps, start=1)]}, indent=2))
        return
    print(aligned_table(None, [(tr("title"), tr(made.title)), (tr("tutorial"), made.id),
                               (tr("data"), _data(made)),
                               (tr("link"), f"tutorial={made.id}&step=1")]))
    for number, step in enumerate(made.steps, start=1):
        print()
        print(tr("{number}. {title} (on the {page} page)", number=number,
                 title=tr(step.title), page=tr(PAGE_TITLES[step.page])))
        print(textwrap.fill(tr(step.text), width=88, initial_indent="   ",
                            subsequent_indent="   "))
        if step.change_text:
            print("   " + tr("change: {change}", change=tr(step.change_text)))
        if step.prediction is not None:
            choices = " / ".join(step.prediction.label(c) for c in step.prediction.choices)
            print("   " + tr("predict: {question} ({choices})",
                             question=tr(step.prediction.question), choices=choices))
        if step.check is not None:
            print("   " + tr("check: {check}", check=_check(step.check)))
