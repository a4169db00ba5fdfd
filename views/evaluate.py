"""Evaluate page: the finished run on its test set, beside classic baselines,
and on the user's own input."""

import numpy as np
import streamlit as st

from playground.datasets.source import experiment_data
from playground.evaluation import baselines
from playground.evaluation.predictions import as_probabilities, model_outputs
from playground.i18n import tr, translated
from playground.keras_work import keras_work
from ui import earlier_run, evaluation, state
from ui.own_input import own_input

st.title(tr("Evaluate"))


def evaluate_page(job, exp, data) -> None:
    result = job.result
    earlier_run.notice(earlier_run.changed_since(job))
    st.caption(tr("Run {run}: {message} Scores on the {count} test samples, which the "
                  "network never trained on.", run=job.id,
                  message=translated(result.message),
                  count=format(len(data.y_test), ",")))
    kept = result.test_outputs
    if kept is not None and len(kept) == len(data.y_test):
        outputs = as_probabilities(kept, data.info.task)
    else:
        with st.spinner(tr("Computing the model's outputs on the {count} test samples "
                           "(once per run)…", count=format(len(data.y_test), ","))):
            outputs = evaluation.per_run("eval_outputs", job.id, lambda: as_probabilities(
                keras_work(model_outputs, exp, result.weights, data.x_test,
                           experiment=exp), data.info.task))
    if not np.all(np.isfinite(outputs)):
        st.warning(tr("The model's outputs on the test set are not all finite numbers "
                      "(the weights overflow): there is nothing to evaluate. Train again "
                      "with a smaller learning rate."))
        return
    tabs = st.tabs([tr("Test set"), tr("Baselines"), tr("Your own input")])
    with tabs[0]:
        if data.info.task == "regression":
            evaluation.regression(data, outputs)
        else:
            evaluation.classification(data, outputs)
    with tabs[1]:
        st.caption(tr("Classic scikit-learn models fitted on the same training rows and "
                      "scored on the same test rows."))
        network = baselines.scores(data.info.task, data.y_test, outputs,
                                   data.target_scaler)
        fitted = evaluation.fitted_baselines(data, exp, job.id)
        evaluation.baseline_table(data, network, fitted or [], result.elapsed)
    with tabs[2]:
        own_input(exp, result.weights, data, job.id)


job = state.job()
if job is None or job.result is None or not job.result.weights:
    st.info(tr("Train a model first (or let the current run finish or stop): this page "
               "evaluates the weights it learned."))
elif state.data_ready(job.experiment):
    evaluate_page(job, job.experiment, experiment_data(job.experiment))
