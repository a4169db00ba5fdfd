"""The tutorials whose data `keras.datasets` downloads: MNIST, CIFAR-10, IMDB.

MNIST has an offline stand-in, scikit-learn's 8×8 digits, which the app
ships; CIFAR-10 and IMDB have none.
"""

from __future__ import annotations

from playground.i18n import mark
from playground.lessons.tutorials.steps import (
    Check,
    Prediction,
    Step,
    Tutorial,
    insert_after,
    set_fields,
    set_layers,
    use_preset,
)
from playground.model.layers import LayerSpec

L = LayerSpec.make

TRAIN_TEXT = mark(
    "Compiling picks the loss, the optimizer (Adam, learning rate 0.001) and the "
    "metric (accuracy). Answer the question below, then press **Train** on the "
    "Train page and watch the curves.")

MNIST = Tutorial(
    "tutorial-mnist-mlp", mark("Handwritten digits (MNIST) with an MLP"),
    mark("Read handwritten digits with Flatten and Dense layers, add Dropout, then "
         "ask \"is it a 7?\"; offline with 8×8 digits instead."),
    download="mnist", stand_in="digits",
    steps=(
        Step(mark("The data"), mark(
            "MNIST holds 70,000 handwritten digits of 28 × 28 grey pixels, scaled "
            "to 0–1. A subset of 5,000 images keeps each run short (raise it on the "
            "Data page for all of them). Without the download, scikit-learn's 1,797 "
            "digits of 8 × 8 pixels stand in for it: the same steps work on them."),
            "data", use_preset("mnist-mlp"),
            mark("Loads the MNIST preset: Flatten, Dense(64, relu), softmax, Adam.")),
        Step(mark("The network"), mark(
            "Dense layers read flat vectors, so Flatten first lays each image out as "
            "one row of pixels. Dense(64, relu) learns features of the strokes, and "
            "a softmax output layer with ten units gives one probability per "
            "digit. Count the first Dense layer's parameters on the Model page."),
            "model"),
        Step(mark("Compile and train"), TRAIN_TEXT, "train",
             set_fields(epochs=20), mark("Sets 20 epochs."),
             Prediction(mark("After 20 epochs, where will the validation accuracy "
                             "end?"), "val_accuracy", 0.9),
             Check("val_accuracy>=0.9")),
        Step(mark("Improve: Dropout"), mark(
            "Dropout switches off a random 30% of the Dense layer's outputs at each "
            "training step, so the network cannot lean on a few pixels. Training "
            "accuracy often drops a little; the validation curves say whether it "
            "helped. The check asks the training doctor."), "model",
            insert_after("dense", L("dropout", rate=0.3)),
            mark("Adds Dropout(0.3) after the Dense layer."),
            Prediction(mark("With Dropout, how will the validation accuracy compare "
                            "with the previous run?"), "val_accuracy"),
            Check(doctor_clear="overfitting")),
        Step(mark("Is it a 7?"), mark(
            "The same images with a yes-or-no question: is the digit a 7? One "
            "sigmoid unit gives the probability of yes, trained with binary "
            "crossentropy. About one image in ten is a 7, so a model that always "
            "says no is already 90% right: read the confusion matrix on the "
            "Evaluate page, not only the accuracy. This step needs MNIST itself."),
            "data", set_fields(dataset="mnist-seven", loss="bce",
                               output=L("dense", units=1, activation="sigmoid")),
            mark("Switches to MNIST \"is it a 7?\" with one sigmoid output unit and "
                 "binary crossentropy."),
            Prediction(mark("Will the validation accuracy end at 0.9 or above?"),
                       "val_accuracy", 0.9),
            Check("val_accuracy>=0.97"), offline=False),
    ))

CIFAR10 = Tutorial(
    "tutorial-cifar10-cnn", mark("Colour photos (CIFAR-10) with a CNN"),
    mark("Recognise ten kinds of small photos with Conv2D and pooling layers, then "
         "Dropout and data augmentation; needs a download."),
    download="cifar10",
    steps=(
        Step(mark("The data"), mark(
            "CIFAR-10 holds 60,000 colour photos of 32 × 32 pixels, each of one of "
            "ten things: planes, cars, birds, cats, deer, dogs, frogs, horses, ships "
            "and trucks. Its download is about 170 MB; a subset of 5,000 photos "
            "keeps runs short."), "data", use_preset("cifar10-cnn"),
            mark("Loads the CIFAR-10 preset: Conv2D 32 and 64 with pooling, "
                 "Dense(64), softmax.")),
        Step(mark("The network"), mark(
            "Each Conv2D layer slides small 3 × 3 filters over the image and keeps "
            "the pixels' layout; each MaxPooling2D halves the width and height. "
            "Flatten and Dense(64) then decide, and softmax gives ten probabilities. "
            "On the Model page, compare the parameters of the Conv2D layers with "
            "those of the Dense layer."), "model"),
        Step(mark("Compile and train"), TRAIN_TEXT, "train",
             prediction=Prediction(mark("After 10 epochs on 5,000 photos, where will "
                                        "the validation accuracy end?"),
                                   "val_accuracy", 0.5),
             check=Check("val_accuracy>=0.4")),
        Step(mark("Improve: Dropout"), mark(
            "With few photos, the Dense layer soon learns the training set by heart. "
            "Dropout after it makes that harder. The check asks the training "
            "doctor."), "model",
            insert_after("dense", L("dropout", rate=0.3)),
            mark("Adds Dropout(0.3) after the Dense layer."),
            Prediction(mark("With Dropout, how will the validation loss compare with "
                            "the previous run?"), "val_loss"),
            Check(doctor_clear="overfitting")),
        Step(mark("Improve: data augmentation"), mark(
            "A plane flipped left to right, or moved a few pixels, is still a plane. "
            "Random flips and shifts of the training photos show the network more "
            "variety at no cost in data."), "train",
            set_fields(augment=("flip", "translate")),
            mark("Adds random flips and shifts of the training photos."),
            Prediction(mark("With augmentation, how will the validation accuracy "
                            "compare with the previous run?"), "val_accuracy"),
            Check("val_accuracy>=0.45")),
        Step(mark("Look inside"), mark(
            "On the Inspect page, look at the first Conv2D layer's feature maps for "
            "a few photos: which filters react to edges, which to colours?"),
            "inspect"),
    ))

IMDB = Tutorial(
    "tutorial-imdb-lstm", mark("Film reviews (IMDB) with an LSTM"),
    mark("Tell positive from negative reviews with an Embedding and an LSTM, then "
         "read longer reviews; needs a download."),
    download="imdb",
    steps=(
        Step(mark("The data"), mark(
            "IMDB holds 50,000 film reviews marked positive or negative, already "
            "turned into word numbers. `num_words` keeps the 10,000 most frequent "
            "words, and `maxlen` the last 80 words of each review. A subset of "
            "5,000 reviews keeps runs short; the Data page shows a few decoded back "
            "to words."), "data", use_preset("imdb-lstm"),
            mark("Loads the IMDB preset: Embedding(128), LSTM(128), one sigmoid "
                 "output.")),
        Step(mark("The network"), mark(
            "Embedding turns each word number into a vector of 128 numbers that "
            "training adjusts. LSTM(128) reads the vectors in order and keeps a "
            "memory of what it has read; one sigmoid unit then says how positive "
            "the review is."), "model"),
        Step(mark("Compile and train"), TRAIN_TEXT, "train",
             prediction=Prediction(mark("After 3 epochs, where will the validation "
                                        "accuracy end?"), "val_accuracy", 0.75),
             check=Check("val_accuracy>=0.7")),
        Step(mark("Improve: read longer reviews"), mark(
            "80 words is a short look at a review. Keep the last 200 words instead: "
            "more to read, and each epoch takes longer."), "data",
            set_fields(maxlen=200),
            mark("Keeps the last 200 words of each review instead of 80."),
            Prediction(mark("Reading 200 words, how will the validation accuracy "
                            "compare with the previous run?"), "val_accuracy"),
            Check("val_accuracy>=0.75")),
        Step(mark("Improve: a smaller, faster model"), mark(
            "An LSTM of 128 units is slow on a CPU. Try vectors of 64 numbers and an "
            "LSTM of 32 units: about a tenth of the LSTM's parameters."), "model",
            set_layers(L("embedding", output_dim=64), L("lstm", units=32)),
            mark("Uses Embedding(64) and LSTM(32)."),
            Prediction(mark("With the smaller model, how will the validation loss "
                            "compare with the previous run?"), "val_loss"),
            Check("val_accuracy>=0.7")),
    ))
