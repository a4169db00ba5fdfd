"""Evaluating a trained model the way the tutorials teach.

A run is evaluated from plain data, `(experiment, weights, dataset)`, so a
live job and a stored run are evaluated alike:

- `predictions`: the model's outputs on a split (Keras, in a worker
  process when called from the web server through `keras_work`);
- `metrics`: everything computed from those outputs with
  `sklearn.metrics` (classification report, confusion matrix, ROC and
  precision-recall curves, regression errors), and the `report` the
  command line prints;
- `baselines`: logistic regression / ridge, a random forest and
  k-nearest neighbours fitted on the same split, within a time cap, to
  compare the network with (`neighbours`: k chosen on the validation rows);
- `own_input`: a user's drawing, review or table row prepared exactly as
  the training data was;
- `figures`: Plotly figures of all of the above.

Nothing here imports Streamlit; only `predictions` imports TensorFlow.
"""
