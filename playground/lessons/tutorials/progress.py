"""One learner's way through a tutorial: where they are, what they answered,
which run each step trained, which checks passed.

Plain data, kept in the browser session (the web app) and in the link as
`tutorial=<id>&step=<n>`; `to_dict`/`from_dict` give JSON for anyone who
keeps it longer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.lessons.tutorials.catalog import TUTORIALS
from playground.lessons.tutorials.steps import Tutorial


@dataclass
class Progress:
    """Attributes:
        tutorial: The tutorial's id.
        step: The current step, from 0.
        answers: Step index to the choice the learner predicted.
        runs: Step index to the id of the run trained in that step.
        passed: Step index to whether its run passed the step's check.
        applied: The steps whose change was applied.
        stand_in: Whether the offline stand-in data replaces the download.
    """

    tutorial: str
    step: int = 0
    answers: dict[int, str] = field(default_factory=dict)
    runs: dict[int, str] = field(default_factory=dict)
    passed: dict[int, bool] = field(default_factory=dict)
    applied: set[int] = field(default_factory=set)
    stand_in: bool = False

    def __post_init__(self):
        if self.tutorial not in TUTORIALS:
            raise KeyError(self.tutorial)
        self.step = min(max(int(self.step), 0), len(self.of.steps) - 1)

    @property
    def of(self) -> Tutorial:
        return TUTORIALS[self.tutorial]

    @property
    def number(self) -> int:
        """The current step as the link and the learner count it, from 1."""
        return self.step + 1

    def go(self, index: int) -> None:
        self.step = min(max(index, 0), len(self.of.steps) - 1)

    def previous_run(self, index: int | None = None) -> str | None:
        """The run of the nearest earlier step that trained one."""
        index = self.step if index is None else index
        return next((self.runs[i] for i in range(index - 1, -1, -1) if i in self.runs),
                    None)

    def step_of_run(self, run_id: str) -> int | None:
        return next((i for i, kept in self.runs.items() if kept == run_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"tutorial": self.tutorial, "step": self.step,
                "answers": {str(k): v for k, v in self.answers.items()},
                "runs": {str(k): v for k, v in self.runs.items()},
                "passed": {str(k): v for k, v in self.passed.items()},
                "applied": sorted(self.applied), "stand_in": self.stand_in}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Progress:
        return cls(tutorial=data["tutorial"], step=data.get("step", 0),
                   answers={int(k): str(v) for k, v in data.get("answers", {}).items()},
                   runs={int(k): str(v) for k, v in data.get("runs", {}).items()},
                   passed={int(k): bool(v) for k, v in data.get("passed", {}).items()},
                   applied={int(i) for i in data.get("applied", ())},
                   stand_in=bool(data.get("stand_in", False)))
