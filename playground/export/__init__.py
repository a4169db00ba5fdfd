"""Taking an experiment out of the app.

- `script`: the experiment as one runnable, commented Keras script.
- `model_files`: a trained run as a `.keras` file (Keras' native format).
"""
