"""Teaching content of the Networks page: the course's networks as scenarios one click away,
and what each figure shows.

Its scenarios are `lessons.scenarios.Scenario`s whose `network` names a data set, a network and
a training run, instead of a function and a start point. Every claim in a notice or a note is
checked by tests/lessons/test_networks.py against the runs the scenario produces, so the text
cannot drift from what the page shows.
"""

from __future__ import annotations

import inspect
from dataclasses import replace

from lessons.scenarios import Network, Scenario, by_key, optimizer
from nets.data import DATASETS
from nets.runs import RunSettings


def run_settings(scenario: Scenario, seed: int = 0) -> RunSettings:
    """The run the page makes of a scenario (seed 0 unless told)."""
    network = scenario.network
    two_dimensional = network.dataset in TWO_DIMENSIONAL
    return RunSettings(
        dataset=network.dataset,
        options=(("size", network.size), ("noise", network.noise)) if two_dimensional else (),
        hidden_sizes=network.hidden_sizes,
        hidden=network.hidden,
        optimizers=tuple((s.variant, s.hyperparameters) for s in scenario.optimizers),
        epochs=network.epochs,
        batch_size=network.batch_size,
        schedule=scenario.schedule,
        constant_epochs=network.constant_epochs,
        seed=seed,
    )


def matches(scenario: Scenario, settings: RunSettings) -> bool:
    """Whether `settings` is the scenario's run (seed 0, as its notice was checked): the
    hyperparameters it sets equal, the others free."""
    own = run_settings(scenario)
    if replace(settings, optimizers=()) != replace(own, optimizers=()):
        return False
    if [name for name, _ in settings.optimizers] != [s.variant for s in scenario.optimizers]:
        return False
    return all(
        set(setting.hyperparameters) <= set(values)
        for setting, (_, values) in zip(scenario.optimizers, settings.optimizers, strict=True)
    )


TWO_DIMENSIONAL = tuple(name for name, info in DATASETS.items() if info.two_dimensional)
# The noise each 2-D data set opens with: its generator's default.
DEFAULT_NOISE: dict[str, float] = {
    name: inspect.signature(DATASETS[name].make).parameters["noise"].default
    for name in TWO_DIMENSIONAL
}

# What the page shows when it opens, and what Reset returns to: every optimizer's α here
# trains two moons well in 50 epochs.
DEFAULT = Scenario(
    key="moons",
    title="Two moons: Adam, SGD and RMSProp",
    notice=(
        "Two interleaving half circles need a curved boundary. After 50 epochs Adam and "
        "RMSProp reach a training loss less than half of SGD's, and their boundaries follow "
        "the moons more closely (drag the step slider under the maps)."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=0.01),
        optimizer("SGD", learning_rate=0.1),
        optimizer("RMSProp", learning_rate=0.01),
    ),
    network=Network(
        dataset="moons",
        hidden_sizes=(16, 16),
        hidden="tanh",
    ),
)

# Hyperparameters the page opens with for the optimizers the default does not train: values
# that also train two moons.
OTHER_DEFAULTS: dict[str, dict[str, float]] = {
    "AdamW": {"learning_rate": 0.01},
    "AMSGrad": {"learning_rate": 0.01},
    "SGD + momentum": {"learning_rate": 0.01},
    "Nesterov": {"learning_rate": 0.01},
    "Adagrad": {"learning_rate": 0.05},
}

COURSE_DENSE = Scenario(
    key="course-dense",
    title="The course's classifier: 20→64→1 on random data",
    notice=(
        "Dense(64, relu) → Dense(1, sigmoid), 50 epochs of minibatches of 32 on the course's "
        "1 000 × 20 random data, at Keras's default α = 0.001 for Adam and RMSProp. The labels "
        "are coin flips: there is nothing to learn, only to memorise. Training accuracy climbs "
        "above 70 % for Adam while validation accuracy stays between 40 and 60 %, and Adam's "
        "and RMSProp's validation loss ends above where it started. For most of the run the "
        "largest effective rate among the weights of W1 is over ten times the smallest (see "
        "the heatmap); SGD's rate is one number, α."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=0.001),
        optimizer("SGD", learning_rate=0.01),
        optimizer("RMSProp", learning_rate=0.001),
    ),
    network=Network(
        dataset="random",
        hidden_sizes=(64,),
    ),
)

COURSE_REGRESSOR = Scenario(
    key="course-regressor",
    title="The course's regressor 10→64→32→1: its “learning rate during training”",
    notice=(
        "The course tracks this network's learning rate during training and plots a flat line "
        "at α = 0.001. That line is α itself, the same for every parameter — it is SGD's line "
        "here. What Adam really applies to each parameter is α/(√v̂ + ε): in layer 2 the 5 % "
        "and 95 % quantiles of those rates end more than ten times apart, and the median moves "
        "over the steps."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=0.001),
        optimizer("SGD", learning_rate=0.01),
    ),
    network=Network(
        dataset="regression",
        hidden_sizes=(64, 32),
    ),
)

COURSE_DECAY = Scenario(
    key="course-decay",
    title="The course's decay: constant for 50 epochs, then ×e^−0.1 per epoch",
    notice=(
        "α stays constant for 50 epochs, then shrinks by e^−0.1 each epoch: after 80 epochs it "
        "is e^−3 ≈ 5 % of its start. SGD's line is α_t itself, so it draws the schedule; "
        "Adam's median rate falls with it, and both training losses flatten."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=0.001),
        optimizer("SGD", learning_rate=0.01),
    ),
    schedule="course",
    network=Network(
        dataset="regression",
        hidden_sizes=(64, 32),
        epochs=80,
        constant_epochs=50,
    ),
)

COURSE_WORDS = Scenario(
    key="course-words",
    title="The course's bag of words: Adam on sparse gradients",
    notice=(
        "Nine short reviews as 0/1 word features: “this” is in six sentences, “masterpiece” in "
        "one. A word's weights get a gradient only when one of its sentences is in the "
        "minibatch, so Adam's v̂ stays small for a rare word and its effective rate large: "
        "after 60 epochs the median rate of rare words' weights is more than twice that of "
        "frequent words. SGD gives every weight the same α."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=0.01),
        optimizer("SGD", learning_rate=0.1),
    ),
    network=Network(
        dataset="bag_of_words",
        hidden_sizes=(8,),
        epochs=60,
        batch_size=3,
    ),
)

DIGITS = Scenario(
    key="digits",
    title="Handwritten digits: does Adam generalise worse than SGD?",
    notice=(
        "Real data: 1 797 images of 8 × 8 pixels, ten classes, a fifth held out for "
        "validation. The course says Adam can generalise worse than SGD; here both reach over "
        "95 % validation accuracy, and the gaps between training and validation are written "
        "under the loss chart and in the generalisation section, whatever they turn out to be."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=0.001),
        optimizer("SGD", learning_rate=0.1),
    ),
    network=Network(
        dataset="digits",
        hidden_sizes=(64,),
        epochs=30,
    ),
)

DIVERGING = Scenario(
    key="diverging",
    title="A learning rate too large: SGD diverges, Adam does not learn",
    notice=(
        "At α = 1 SGD's step α·g grows with the gradient it makes larger: within the first "
        "epoch its weights leave |θ| ≤ 10⁶ and the page stops it, showing what it reached. "
        "Adam's steps stay about α long whatever the gradient, so it does not blow up — but "
        "at α = 1 it learns nothing: its training loss ends within 10 % of y's variance, "
        "the loss of always predicting the mean."
    ),
    optimizers=(
        optimizer("Adam", learning_rate=1.0),
        optimizer("SGD", learning_rate=1.0),
    ),
    network=Network(
        dataset="regression",
        hidden_sizes=(64, 32),
        epochs=20,
    ),
)

SCENARIOS: tuple[Scenario, ...] = (
    DEFAULT,
    COURSE_DENSE,
    COURSE_REGRESSOR,
    COURSE_DECAY,
    COURSE_WORDS,
    DIGITS,
    DIVERGING,
)
SCENARIOS_BY_KEY: dict[str, Scenario] = by_key(SCENARIOS)

# The generalisation section trains the digits scenario's Adam and SGD, with the page's seed.
GENERALISATION = DIGITS

# -- the page's text --------------------------------------------------------------------------
INTRO = (
    "Train the course's own small networks in the browser and look inside them. A network is "
    "just a long vector of parameters θ — thousands of them — and Adam gives each one its own "
    "effective learning rate. Pick a data set, a network and the optimizers on the left; the "
    "course's networks are one click away under Scenarios. Everything you set is in the "
    "address bar."
)
SHARED_START = (
    "Every optimizer starts from the same initial weights θ₀ and sees the same minibatches in "
    "the same order: only the update rule differs."
)
DATA_NOTES: dict[str, str] = {
    "random": (
        "The course's random data: the labels are coin flips that have nothing to do with the "
        "20 features, so this data can only be memorised. Training accuracy can climb; "
        "validation accuracy stays near 50 %."
    ),
    "moons": "Two interleaving half circles: a linear boundary cannot separate them.",
    "circles": "A disc inside a ring: the boundary must close on itself.",
    "spirals": "Two interleaved spirals: a hard boundary for a small network.",
    "digits": "1 797 real 8 × 8 images of the digits 0–9; a fifth are held out for validation.",
    "bag_of_words": (
        "The course's nine sentences as 0/1 word features: a word's weights get a gradient "
        "only when one of its sentences is in the minibatch. No validation set: nine rows."
    ),
    "regression": (
        "y is a smooth function of 7 of 10 normal features, plus noise: the loss is the mean "
        "squared error, with no accuracy."
    ),
}
METRICS_CAPTION = (
    "Solid: the whole training set, dashed: the validation set, after each epoch (epoch 0 is "
    "θ₀, the same for all). Look for where the dashed lines leave the solid ones: that gap is "
    "what generalisation means."
)
RATES_CAPTION = (
    "The course plots “the learning rate during training” as one line: the constant α. What "
    "changes is each parameter's own rate α_t/(√v̂_t + ε) (RMSProp: α_t/(√v_t + ε)). Bands "
    "hold 5–95 % and 25–75 % of a layer's parameters, the line is the median; SGD's rate is "
    "one line, α_t, the same for every parameter. A parameter whose gradient has always been 0 "
    "(a relu unit that never fires, a word not yet seen) has the rate α/ε but does not move."
)
W1_CAPTION = (
    "Each cell is one weight of the first layer (an input × a hidden unit), coloured by its "
    "effective rate after the step on the slider (bright: large). Press ▶ to watch the rates "
    "settle: weights whose gradients stay small keep large rates."
)
BOUNDARY_CAPTION = (
    "The network's probability of class 1 over the plane (white: 0.5, the decision "
    "boundary), with the training points. Drag the step slider: all maps start from the same "
    "θ₀, so they start alike and part as the optimizers take different steps."
)
WORDS_CAPTION = (
    "Left: the median effective rate of the W1 weights of rare words (in one sentence, "
    "dashed) and frequent words (in three or more, solid). Right: each word's rate after the "
    "last step against how many sentences hold it. Adam's rare words keep a larger rate; "
    "SGD's dots lie on one line."
)
GRID_NOTE = (
    "The course picks α, β1 and β2 by training twelve Adam models: α ∈ {0.001, 0.01, 0.1} × "
    "β1 ∈ {0.9, 0.95} × β2 ∈ {0.999, 0.9999}. Here the twelve train as one batched run on the "
    "data, network, epochs, minibatches and schedule above, from the same θ₀ on the same "
    "minibatches; ε is Adam's on the left."
)
GRID_CAPTION = (
    "Final training loss of each model (log colour scale, brighter is lower); grey cells "
    "diverged. The table ranks the models."
)
GENERALISATION_NOTE = (
    "The course claims that Adam can generalise worse than SGD: a lower training loss, but a "
    "larger gap to the validation loss. Here Adam and SGD train the digits network of the "
    "‘Handwritten digits’ scenario (64→64→10, 30 epochs, Adam α = 0.001, SGD α = 0.1) with "
    "the seed on the left; the numbers are what this run gives."
)
GENERALISATION_CAPTION = (
    "Training solid, validation dashed; the final gaps are written above the chart and in the "
    "table."
)
DIVERGED_NOTE = (
    "A diverged run stops at the step whose update left |θ| ≤ 10⁶ or whose loss stopped being "
    "finite; the charts show it up to there (a cross marks the spot), and its later values "
    "repeat what it had reached."
)
