"""The model stage: layer specs and their shapes, experiment checks, the Keras builder.

- `layers`: `LayerSpec` (one layer of a stack, as the experiment stores it),
  the layer types and their settings, and the text form used in links.
- `shapes`: what each layer outputs for an input shape, and the stack check
  that refuses a stack that cannot fit the data, naming the layer and the fix.
- `graph`: a graph of layers (Keras' Functional API) as plain data, its link
  form and its structure check; `graph_checks`: what each node outputs and
  the check that refuses a graph that cannot fit the data; `graph_edits`:
  the Model page's edits of a graph; `graph_diagram`: a graph as DOT text.
- `checks`: the experiment as a whole against its data (output layer, loss,
  training controls), before anything is built.
- `builder`: the Keras model made from the experiment, each layer seeded
  (imports Keras, so only where TensorFlow may load).
- `augmentation`: data augmentation for images, Keras' random preprocessing
  layers at the model's input (active only in training), and the table of
  their arguments that the builder and the exported script share;
  `augmented_samples`: a few training images drawn through them, for the
  Model page's preview.

Nothing here but `builder` and the layer-making functions of `augmentation`
and `augmented_samples` imports TensorFlow (and those only when called).
"""
