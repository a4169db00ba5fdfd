"""Looking inside a model: the input plane, weights, activations, the doctor.

- `plane`: the grid over 2-D data and the model's output on it.
- `weights`: Keras' flat weight list per layer, histograms and norms.
- `activations`: every layer's output for one sample, Keras' diagram
  (both build the model: TensorFlow loads).
- `doctor`: plain-language diagnosis of a run from its measurements.

This stage comes before `training`: the measurements a run takes while it
trains (`playground.training.measurements`) use the plane and the weight
statistics defined here, and nothing here needs a training loop.
"""
