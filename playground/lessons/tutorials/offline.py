"""The tutorials whose data ships with the app: Iris and house prices."""

from __future__ import annotations

from playground.i18n import mark
from playground.lessons.tutorials.steps import (
    Check,
    Prediction,
    Step,
    Tutorial,
    both,
    insert_after,
    set_fields,
    set_layers,
    use_preset,
)
from playground.model.layers import LayerSpec

L = LayerSpec.make

IRIS = Tutorial(
    "tutorial-iris-mlp", mark("Iris flowers with an MLP"),
    mark("Tell three iris species apart from four measurements with Dense layers; "
         "runs offline in seconds."),
    steps=(
        Step(mark("The data"), mark(
            "Iris holds 150 flowers, each measured four times (the length and width "
            "of its sepal and its petal), and three species to tell apart, 50 of "
            "each. The app keeps 15% of the flowers for validation and 20% for the "
            "final test, and standardises the four measurements so that none "
            "weighs more just because of its unit. Look at the table and the class "
            "balance on the Data page."), "data",
            use_preset("iris-mlp"), mark("Loads the Iris preset: Dense 64-32-16 relu, "
                                         "softmax, Adam.")),
        Step(mark("The network"), mark(
            "Three Dense layers of 64, 32 and 16 relu units turn the four "
            "measurements into features, and a softmax output layer with three "
            "units gives one probability per species. The Model page lists each "
            "layer's output shape and parameters: the first Dense layer has 4 × 64 "
            "weights and 64 biases, 320 in all."), "model"),
        Step(mark("Compile and train"), mark(
            "Compiling picks the loss (sparse categorical crossentropy, for class "
            "numbers), the optimizer (Adam, learning rate 0.001) and the metric "
            "(accuracy). Answer the question below, then press **Train** on the "
            "Train page and watch the loss fall epoch by epoch."), "train",
            set_fields(epochs=50), mark("Sets 50 epochs: plenty for 150 flowers."),
            Prediction(mark("After 50 epochs, where will the validation accuracy "
                            "end?"), "val_accuracy", 0.9),
            Check("val_accuracy>=0.9")),
        Step(mark("Evaluate on the test set"), mark(
            "The validation flowers steered training; the test flowers were never "
            "seen. On the Evaluate page, read the test accuracy and the confusion "
            "matrix: which species, if any, does the model confuse?"), "evaluate"),
        Step(mark("Improve: a much smaller network"), mark(
            "Iris is an easy problem: does it need about 3,000 parameters? Replace "
            "the three hidden layers with a single one of 8 units (about 70 "
            "parameters), train again and compare with the previous run."), "model",
            set_layers(L("dense", units=8)),
            mark("Replaces the three hidden layers with one Dense layer of 8 units."),
            Prediction(mark("With one small layer instead of three, how will the "
                            "validation accuracy compare with the previous run?"),
                       "val_accuracy"),
            Check("val_accuracy>=0.8")),
        Step(mark("Improve: a larger learning rate"), mark(
            "The small network learns slowly with Adam's 0.001. Take steps ten times "
            "larger and train again: a larger learning rate moves faster, but too "
            "large a one makes the loss jump about."), "train",
            set_fields(learning_rate=0.01),
            mark("Raises the learning rate from 0.001 to 0.01."),
            Prediction(mark("With a learning rate ten times larger, how will the "
                            "validation loss compare with the previous run?"),
                       "val_loss"),
            Check("val_accuracy>=0.9")),
    ))

HOUSE_PRICES = Tutorial(
    "tutorial-house-prices", mark("House prices: regression"),
    mark("Predict a price, not a class: a linear output, the mean squared error, "
         "and early stopping; runs offline."),
    steps=(
        Step(mark("The data"), mark(
            "A small table of houses ships with the app: their size, rooms, age and "
            "more, and the price in thousands (`price_k`) to predict. This is "
            "regression: the model outputs one number, not a class. Missing values "
            "are filled in from the training rows, and the features and the price "
            "are standardised, so errors read in standard deviations of the "
            "price."), "data",
            use_preset("house-prices"), mark("Loads the house-price preset: Dense "
                                             "400-200 relu, one linear output, "
                                             "Adadelta.")),
        Step(mark("The network"), mark(
            "Two wide Dense layers (400 and 200 relu units) and one output unit "
            "with a linear activation: a price can be any number, so nothing "
            "squashes it. The loss is the mean squared error; the mean absolute "
            "error (mae) is logged beside it because it is easier to read."),
            "model"),
        Step(mark("Compile and train"), mark(
            "The original compiles with Adadelta. In Keras 3 its default learning "
            "rate (0.001) hardly moves the weights, so the preset uses 1.0, the "
            "old default. Answer the question, then train."), "train",
            set_fields(epochs=30), mark("Sets 30 epochs."),
            Prediction(mark("Where will the validation mean absolute error end?"),
                       "val_mae", 0.3),
            Check("val_mae<=0.35")),
        Step(mark("Improve: try Adam"), mark(
            "Adam adapts the step size of every weight on its own and needs little "
            "tuning. Switch to it and train again."), "train",
            set_fields(optimizer="adam", learning_rate=0.001),
            mark("Uses Adam with learning rate 0.001 instead of Adadelta."),
            Prediction(mark("With Adam, how will the validation error compare with "
                            "the previous run?"), "val_mae"),
            Check("val_mae<=0.35")),
        Step(mark("Improve: guard against overfitting"), mark(
            "A few hundred houses and about 84,000 parameters: the network can learn "
            "the training prices by heart. Dropout after the first layer, and early "
            "stopping that keeps the epoch with the best validation loss, fight "
            "that. The check asks the training doctor."), "model",
            both(insert_after("dense", L("dropout", rate=0.3)),
                 set_fields(epochs=60, early_stop_patience=10, restore_best="on")),
            mark("Adds Dropout(0.3) after the first Dense layer, trains up to 60 "
                 "epochs and stops after 10 without a better validation loss, keeping "
                 "the best weights."),
            Prediction(mark("With Dropout and early stopping, how will the "
                            "validation loss compare with the previous run?"),
                       "val_loss"),
            Check(doctor_clear="overfitting")),
        Step(mark("Evaluate on the test set"), mark(
            "On the Evaluate page, compare the predicted and the true prices of the "
            "test houses: which ones is the model furthest off, and are they the "
            "most expensive?"), "evaluate"),
    ))
