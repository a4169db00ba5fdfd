"""A lesson link in the app: what it locks and hides, the student's name,
the limits at Train, runs on the class's board, and the teacher's side."""

import pytest

from playground.config import Experiment
from playground.lessons import Lesson, LessonNotFound, LessonStore, Limits
from playground.runs import open_store

from tests.app.sessions import app, ended
from tests.app.test_app import shown
from tests.core.run_samples import make_record

XOR = Experiment(dataset="xor", learning_rate=0.03, epochs=3)


def make_lesson(store_url, **changes):
    fields = dict(title="XOR in three epochs", experiment=XOR,
                  text="Try **two** layers. <script>alert(1)</script>",
                  locked=("learning_rate", "dataset"), hidden=("search",),
                  limits=Limits(epochs=20, layers=3, units=16), goal="val_accuracy>=0.6")
    lesson = Lesson(**{**fields, **changes})
    token = LessonStore(open_store(store_url)).create(lesson)
    return lesson, token


def page_titles(at) -> list[str]:
    return [t.value for t in at.title]


def test_a_lesson_link_locks_hides_and_ignores_a_locked_field_in_the_address(store_url):
    lesson, _ = make_lesson(store_url)
    at = app(lesson=lesson.id, lr="0.3", epochs="7")
    assert not at.exception
    exp = at.session_state["experiment"]
    assert exp.learning_rate == 0.03 and exp.dataset == "xor"  # locked: kept
    assert exp.epochs == 7  # not locked: the link's value
    said = " ".join(shown(i) for i in at.info)
    assert "learning_rate" in said and "0.3" in said
    assert "dataset" not in said  # the link did not ask for another dataset
    assert at.query_params["lesson"] == lesson.id
    # The lesson's text is shown safely: Markdown, no HTML.
    assert any("XOR in three epochs" in m.value for m in at.markdown)
    assert not any("<script>" in m.value for m in at.markdown)
    # The locked dataset's control is disabled; the hidden page is gone.
    dataset = next(s for s in at.selectbox if s.label.startswith("Dataset"))
    assert dataset.disabled and "locked by the lesson" in dataset.label
    assert not [s for s in at.sidebar.selectbox if s.label == "Load a preset"]
    at.switch_page("views/train.py").run()
    rate = next(s for s in at.select_slider if s.label.startswith("Learning rate"))
    assert rate.disabled and "locked by the lesson" in rate.label
    epochs = next(n for n in at.number_input if n.label == "Epochs")
    assert epochs.max == 20  # the lesson's limit is the control's maximum
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/search.py")  # not a page of this lesson's app


@pytest.mark.workers
def test_a_student_names_themself_then_trains_onto_the_board(store_url):
    lesson, _ = make_lesson(store_url)
    at = app(lesson=lesson.id)
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert "training_job" not in at.session_state  # no name yet: refused
    assert any("Give your name" in shown(w) for w in at.warning)

    at.text_input(key="lesson_name").input("Ana")
    form_button = next(b for b in at.button if b.label == "Join the lesson")
    form_button.click().run()
    assert any("as Ana" in c.value for c in at.caption)

    other = app(lesson=lesson.id)  # another student wants the same name
    other.text_input(key="lesson_name").input("ana")
    next(b for b in other.button if b.label == "Join the lesson").click().run()
    assert any("such as ana 2" in shown(w) for w in other.warning)

    # Over a limit: refused with the limit named.
    at.session_state["experiment"] = at.session_state["experiment"].replace(epochs=50)
    at.button(key="train_button").click().run()
    assert "training_job" not in at.session_state
    assert any("at most 20" in shown(w) for w in at.warning)

    at.session_state["experiment"] = at.session_state["experiment"].replace(epochs=3)
    at.button(key="train_button").click().run()
    assert ended(at.session_state["training_job"]).status == "completed"
    at.run()
    record = open_store(store_url).load(at.session_state["training_job"].id)
    assert (record.lesson_id, record.student) == (lesson.id, "Ana")

    at.switch_page("views/lesson_class.py").run()
    assert not at.exception
    board = at.dataframe[0].value
    assert list(board["Name"]) == ["Ana"] and board["Rank"].iloc[0] == 1
    assert not any(b.label == "Close the lesson" for b in at.button)  # a student


def test_only_the_teachers_token_shows_the_teachers_tools(store_url):
    lesson, token = make_lesson(store_url)
    student = app(lesson=lesson.id, teach="not-the-token")
    assert any("not this lesson's" in shown(w) for w in student.warning)
    student.switch_page("views/lesson_class.py").run()
    assert not any(b.label == "Close the lesson" for b in student.button)
    assert "teach" not in student.query_params

    teacher = app(lesson=lesson.id, teach=token)
    assert "teach" not in teacher.query_params  # the secret leaves the address bar
    teacher.switch_page("views/lesson_class.py").run()
    assert not teacher.exception
    close = next(b for b in teacher.button if b.label == "Close the lesson")
    close.click().run()
    assert LessonStore(open_store(store_url)).load(lesson.id).closed
    # A student whose page was open before the lesson closed cannot train in it.
    student.switch_page("views/train.py").run()
    student.button(key="train_button").click().run()
    assert "training_job" not in student.session_state
    assert any("This lesson is closed" in shown(w) for w in student.warning)


def test_a_teacher_deletes_the_lesson_and_an_open_page_can_no_longer_train_in_it(
        store_url):
    lesson, token = make_lesson(store_url)
    lessons = LessonStore(open_store(store_url))
    lessons.join(lesson.id, "Ana", owner="ana")
    open_store(store_url).save(make_record(experiment=XOR, lesson_id=lesson.id,
                                           student="Ana"))
    student = app(lesson=lesson.id)
    teacher = app(lesson=lesson.id, teach=token)
    teacher.switch_page("views/lesson_class.py").run()
    assert any("their 1 run (from 1 student)" in m.value for m in teacher.markdown)
    teacher.button(key="lesson_delete").click().run()
    assert not teacher.exception
    assert any("was deleted with 1 run" in s.value for s in teacher.success)
    assert "lesson" not in teacher.query_params and "lesson" not in teacher.session_state
    with pytest.raises(LessonNotFound):
        lessons.load(lesson.id)
    assert lessons.runs_of(lesson.id) == []
    student.switch_page("views/train.py").run()
    student.button(key="train_button").click().run()
    assert "training_job" not in student.session_state
    assert any("deleted by its teacher" in shown(w) for w in student.warning)


def test_a_teacher_makes_a_lesson_from_the_current_experiment(store_url):
    at = app(dataset="spiral", lr="0.1", epochs="80")
    at.switch_page("views/teach.py").run()
    assert not at.exception
    at.text_input(key="teach_title").input("Spirals, <b>small</b>").run()
    at.text_area(key="teach_text").input("Use **two** layers.").run()
    at.multiselect(key="teach_locked").select("learning_rate").run()
    at.number_input(key="teach_epochs").set_value(100).run()
    assert any("Spirals, <b>small</b>" in m.value or "Spirals" in m.value
               for m in at.markdown)  # the preview
    at.button(key="teach_create").click().run()
    assert not at.exception
    links = [c.value for c in at.code if "lesson=" in c.value]
    student_link = next(link for link in links if "teach=" not in link)
    teacher_link = next(link for link in links if "teach=" in link)
    lesson_id = student_link.split("lesson=")[1]
    made = LessonStore(open_store(store_url)).load(lesson_id)
    assert made.title == "Spirals, <b>small</b>" and made.experiment.dataset == "spiral"
    assert made.is_locked("learning_rate") and made.is_locked("dataset")
    assert made.limits.epochs == 100 and made.is_hidden("search")
    token = teacher_link.split("teach=")[1]
    assert LessonStore(open_store(store_url)).is_teacher(lesson_id, token)

    student = app(lesson=lesson_id, lr="0.003")
    assert student.session_state["experiment"].learning_rate == 0.1  # locked at 0.1
    assert not any(b.label == "Make the lesson" for b in student.button)


def test_the_teachers_view_shows_who_trains_the_class_curves_and_removes_runs(store_url):
    lesson, token = make_lesson(store_url)
    store, lessons = open_store(store_url), LessonStore(open_store(store_url))
    for name in ("Ana", "Ben"):
        lessons.join(lesson.id, name, owner=name)
    runs = [make_record(experiment=XOR, lesson_id=lesson.id, student="Ana",
                        test_metrics={"loss": 0.2, "accuracy": 0.9}),
            make_record(experiment=XOR, lesson_id=lesson.id, student="Ben",
                        test_metrics={"loss": 0.5, "accuracy": 0.6}),
            make_record(experiment=XOR, lesson_id=lesson.id, student="Ben",
                        status="running", test_metrics={}, finished_at=None)]
    for record in runs:
        store.save(record)

    teacher = app(lesson=lesson.id, teach=token)
    teacher.switch_page("views/lesson_class.py").run()
    assert not teacher.exception
    now = next(d.value for d in teacher.dataframe if "For (s)" in d.value)
    assert list(now["Name"]) == ["Ben"] and list(now["Status"]) == ["running"]
    curves = [el for el in teacher.get("plotly_chart") if "class_curves" in el.proto.id]
    assert curves, "the class's curves are drawn"
    teacher.selectbox(key="teacher_student").select("Ben").run()
    teacher.button(key="teacher_remove_runs").click().run()
    assert any("Removed 2 runs." in s.value for s in teacher.success)
    assert [r.summary.student for r in lessons.runs_of(lesson.id)] == ["Ana"]

    student = app(lesson=lesson.id)
    student.switch_page("views/lesson_class.py").run()
    assert not any("For (s)" in d.value for d in student.dataframe)  # not the teacher
