"""Guided tutorials: the five classic Keras tutorials as built-in lessons.

A tutorial is defined in code, needs no teacher and no store, and walks a
learner through steps (prepare the data, build, compile, train, evaluate,
improve), each with its change to the experiment, the page it happens on,
a question to answer before training and a check on the run.

- `steps`: `Tutorial`, `Step`, `Prediction`, `Check`, and the edits steps
  are made of.
- `catalog`: `TUTORIALS`, the five by id (`tutorial-iris-mlp`, ...).
- `judging`: `outcome` (a prediction against what happened) and `verdict`
  (a check, passed or not yet, with the numbers).
- `progress`: `Progress`, one learner's way through a tutorial.
"""

from playground.lessons.tutorials.catalog import TUTORIALS
from playground.lessons.tutorials.judging import Outcome, Verdict, outcome, verdict
from playground.lessons.tutorials.progress import Progress
from playground.lessons.tutorials.steps import Check, Prediction, Step, Tutorial

__all__ = ["TUTORIALS", "Check", "Outcome", "Prediction", "Progress", "Step",
           "Tutorial", "Verdict", "outcome", "verdict"]
