"""The experiment's training controls, as fields of its one field table.

Early stopping, learning-rate schedules, clipping, class weights,
TensorBoard logs and checkpoints (`playground.training.controls` turns
them into Keras' callbacks). Every default switches its control off, and
defaults stay out of links: a link made before these controls existed
keeps its meaning. `playground.config` puts them in `FIELDS`; they live
here so that the experiment's module stays short, and import nothing but
the field classes, so that the vocabulary can import them.
"""

from __future__ import annotations

from playground.fields import ChoiceField, FloatField, IntField

MONITORS = ("val_loss", "val_accuracy", "val_mae")


def fitting_monitors(regression: bool) -> tuple[str, str]:
    """What early stopping can watch on a task: its loss and its metric."""
    return ("val_loss", "val_mae") if regression else ("val_loss", "val_accuracy")


SCHEDULES = ("constant", "step", "exponential", "cosine", "plateau")
OFF_ON = ("off", "on")
CHECKPOINT_MODES = ("off", "best", "every")
MAX_CHECKPOINTS = 10
"""The most checkpoints one run keeps: each is a whole copy of the weights."""

TRAINING_CONTROL_FIELDS = (
    IntField("early_stop_patience", 0, "Early stopping: epochs without improvement "
             "before training ends; 0 switches it off.", key="es", maximum=1000),
    ChoiceField("early_stop_monitor", "val_loss", "Early stopping and the best "
                "checkpoint watch this validation value.", key="es_monitor",
                choices=MONITORS),
    FloatField("early_stop_min_delta", 0.0, "Early stopping: the smallest change "
               "that counts as an improvement.", key="es_delta", maximum=1.0),
    ChoiceField("restore_best", "off", "When early stopping ends the run, keep "
                "the weights of the best epoch rather than the last.",
                key="es_best", choices=OFF_ON),
    ChoiceField("lr_schedule", "constant", "How the learning rate changes during "
                "training.", key="schedule", choices=SCHEDULES),
    FloatField("lr_decay_rate", 0.5, "Step and exponential schedules: the "
               "learning rate is multiplied by this every N epochs.", key="decay",
               minimum=0.01, maximum=1.0),
    IntField("lr_decay_epochs", 10, "Step and exponential schedules: N, the "
             "epochs per decay.", key="decay_every", minimum=1, maximum=2000),
    IntField("lr_warmup_epochs", 0, "Cosine schedule: epochs of linear warm-up "
             "from 0 to the learning rate.", key="warmup", maximum=2000),
    FloatField("plateau_factor", 0.5, "Plateau schedule: the learning rate is "
               "multiplied by this when validation loss stalls.",
               key="plateau_factor", minimum=0.01, maximum=0.99),
    IntField("plateau_patience", 5, "Plateau schedule: epochs without "
             "improvement before the learning rate drops.",
             key="plateau_patience", minimum=1, maximum=1000),
    FloatField("min_lr", 0.0, "Plateau schedule: the learning rate never drops "
               "below this.", key="min_lr", maximum=1.0),
    FloatField("clipnorm", 0.0, "Gradient clipping: the largest gradient norm "
               "of each weight; 0 switches it off.", key="clip", maximum=100.0),
    ChoiceField("class_weight", "none", "Classification: weigh each class by "
                "the inverse of its frequency ('balanced').", key="class_weight",
                choices=("none", "balanced")),
    ChoiceField("tensorboard", "off", "Write TensorBoard logs during training, "
                "for download.", key="tb", choices=OFF_ON),
    ChoiceField("checkpoint", "off", "Checkpoints kept with the run: the epochs "
                "where the watched validation value improved ('best'), or every N "
                "epochs ('every').", key="ckpt", choices=CHECKPOINT_MODES),
    IntField("checkpoint_every", 10, "Checkpoints every N epochs: N.",
             key="ckpt_every", minimum=1, maximum=2000),
    IntField("checkpoint_keep", 3, "Checkpoints: how many are kept, the latest ones.",
             key="ckpt_keep", minimum=1, maximum=MAX_CHECKPOINTS),
)
