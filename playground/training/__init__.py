"""The training stage: one experiment through Keras `fit`, as plain data.

- `loop`: `run_training`, the whole run (data, model, `fit`, test metrics),
  and `StopSignal`, a stop request that reaches the running model.
- `result`: the run statuses and `TrainingResult` (no TensorFlow import).
- `compiling`: the optimizer (schedule, clipping) and `model.compile`.
- `callbacks`: the callback that streams epochs out of `fit`, and the fast
  validator whose numbers the charts and the other callbacks share.
- `controls`: Keras' early stopping, schedules, clipping and class weights
  made from the experiment's training controls.
- `measurements`: what is measured inside the model while it trains
  (boundary, neuron maps, weight histograms, gradient norms, dead ReLUs).
- `snapshot_store`: the bounded, evenly thinned list of those snapshots.
- `tensorboard_logs`: TensorBoard event files, zipped for download.
"""
