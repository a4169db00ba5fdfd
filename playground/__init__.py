"""Keras Playground's core: build, train and look inside Keras models, without Streamlit.

The pages (`views/`, `ui/`), the `playground` command line, a notebook and
the tests all use this package the same way. It is grouped by stage, lowest
first; a stage imports only itself and the stages before it (a test checks
this, and that no import cycle exists):

    config fields registry presets   the experiment's vocabulary: one frozen,
                                     validated object and its field table
    keras_work                       the port through which any stage runs a
                                     short Keras task where TensorFlow may load
    datasets/    what the data is and its arrays: the catalog, generated sets,
                 scikit-learn's, keras.datasets, CSV files
    model/       layer specs, shapes and the stack check, the Keras builder
    inspection/  the input plane, weight statistics, activations, the doctor
    training/    the loop, callbacks, controls, measurements, the result
    charts/      Plotly figures, one module per family
    evaluation/  test metrics (numbers) apart from their figures, baselines
    export/      the Keras script, model files
    jobs/        the executor interface and the worker pool
    runs/        the run record, the SQLAlchemy store, recording runs
    search/      search spaces, Keras Tuner oracles, trials as jobs
    cli/         the `playground` command

Importing the package or any module of it loads neither Streamlit nor
TensorFlow; Keras is imported inside the functions that need it.
"""
