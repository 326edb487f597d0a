"""Teacher presets for the Playground: a scenario each, with what to notice.

Every claim in a `notice` is checked by tests/lessons/test_playground.py against the runs the
scenario produces, so the text cannot drift away from what the page shows.
"""

from __future__ import annotations

from lessons.scenarios import Scenario, by_key, optimizer

# What the Playground shows when it opens, and what Reset returns to.
DEFAULT = Scenario(
    key="default",
    title="SGD, Adam and RMSProp on Rosenbrock",
    notice=(
        "Rosenbrock's valley is easy to find and hard to follow. Press Play to watch the race; "
        "change α, β1, β2 and ε on the left; click the map to start somewhere else."
    ),
    function="rosenbrock",
    start=(-1.5, 2.5),
    steps=1000,
    optimizers=(
        optimizer("SGD", learning_rate=0.001),
        optimizer("Adam", learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-8),
        optimizer("RMSProp", learning_rate=0.002, rho=0.99, epsilon=1e-8),
    ),
)

PRESETS: tuple[Scenario, ...] = (
    Scenario(
        key="course",
        title="The course example: SGD, Adam and RMSProp at α = 0.001",
        notice=(
            "All three use α = 0.001 for 1 000 steps from (−1.5, 2.5). Adam divides by the "
            "gradient's RMS, so each of its steps is about α long: in 1 000 steps it travels "
            "about 0.2. RMSProp starts with steps ten times longer (it has no bias correction, "
            "see Inside Adam) and gets a little further. SGD's step is α·|g|, large on the steep "
            "valley wall, so it zig-zags across the valley and ends closest to the minimum. A "
            "slow Adam here is a choice of α, not a weakness of the method: try α = 0.02."
        ),
        function="rosenbrock",
        start=(-1.5, 2.5),
        steps=1000,
        optimizers=(
            optimizer("SGD", learning_rate=0.001),
            optimizer("Adam", learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8),
            optimizer("RMSProp", learning_rate=0.001, rho=0.99, epsilon=1e-8),
        ),
    ),
    Scenario(
        key="valley",
        title="SGD zig-zags across a narrow valley, Adam follows it",
        notice=(
            "The valley floor of Rosenbrock is flat along its length and steep across. SGD's "
            "step follows the gradient, which points mostly across the valley, so it bounces "
            "from wall to wall: its path is more than twice as long as Adam's (see the table). "
            "Momentum averages the bounces out. Adam's per-parameter scaling and momentum turn "
            "the same gradients into steps along the floor."
        ),
        function="rosenbrock",
        start=(-1.5, 2.5),
        steps=1500,
        optimizers=(
            optimizer("SGD", learning_rate=0.002),
            optimizer("SGD + momentum", learning_rate=0.0002, momentum=0.9),
            optimizer("Adam", learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-8),
        ),
    ),
    Scenario(
        key="first-step",
        title="Adam's first step has length α, whatever the gradient",
        notice=(
            "On step 1, m̂₁ = g₁ and v̂₁ = g₁², so Adam moves each coordinate by α·g/(|g| + ε) "
            "≈ α: here exactly 0.05 in x and in y, although the gradient at the start is about "
            "10⁵ in x and 10⁶ in y. SGD's first step is α·g: even with α = 0.0001 it flies off "
            "the map and diverges at step 2. Scrub to step 1 and compare the two markers."
        ),
        function="goldstein_price",
        start=(-1.5, 1.5),
        steps=60,
        optimizers=(
            optimizer("Adam", learning_rate=0.05, beta1=0.9, beta2=0.999, epsilon=1e-8),
            optimizer("SGD", learning_rate=0.0001),
        ),
    ),
    Scenario(
        key="large-epsilon",
        title="A large ε turns Adam into SGD",
        notice=(
            "The gradients of this shallow bowl stay below 0.3, far below ε = 1, so Adam's "
            "denominator √v̂ + ε is about 1 and its update is about α·m̂: with β1 = 0 that is "
            "plain SGD with the same α, and the two paths almost coincide. RMSProp with a tiny ε "
            "keeps normalising, and heads for the minimum diagonally."
        ),
        function="custom",
        expression="0.01*(x^2 + 4*y^2)",
        start=(-4.0, 3.0),
        steps=1000,
        optimizers=(
            optimizer("Adam", learning_rate=0.5, beta1=0.0, beta2=0.999, epsilon=1.0),
            optimizer("SGD", learning_rate=0.5),
            optimizer("RMSProp", learning_rate=0.01, rho=0.99, epsilon=1e-8),
        ),
    ),
    Scenario(
        key="small-beta2",
        title="β2 too small makes Adam jumpy; AMSGrad calms it",
        notice=(
            "With β2 = 0.9, v̂ forgets large gradients within a few steps, so as soon as the "
            "gradient shrinks the step grows back to about α and Adam keeps jumping around the "
            "minimum instead of settling. AMSGrad divides by the largest v seen so far, so its "
            "steps can only shrink. Compare the loss curves: Adam's stays rough."
        ),
        function="himmelblau",
        start=(-4.0, 4.0),
        steps=1000,
        optimizers=(
            optimizer("Adam", learning_rate=0.1, beta1=0.9, beta2=0.9, epsilon=1e-8),
            optimizer("AMSGrad", learning_rate=0.1, beta1=0.9, beta2=0.9, epsilon=1e-8),
        ),
    ),
    Scenario(
        key="overshoot",
        title="Momentum overshoots a minimum",
        notice=(
            "Heavy-ball momentum keeps moving after the gradient has turned: the path shoots "
            "past the minimum, turns back and spirals in, so the distance to the minimum goes "
            "up and down (see the distance plot). Plain SGD with the same α slides straight in. "
            "Nesterov's look-ahead gradient brakes earlier and overshoots less."
        ),
        function="sphere",
        start=(-1.5, 1.8),
        steps=300,
        optimizers=(
            optimizer("SGD", learning_rate=0.02),
            optimizer("SGD + momentum", learning_rate=0.02, momentum=0.95),
            optimizer("Nesterov", learning_rate=0.02, momentum=0.95),
        ),
    ),
    Scenario(
        key="saddle",
        title="The saddle: where the gradient vanishes but nothing is minimal",
        notice=(
            "The start is almost on the ridge line y = 0 of x² − y². SGD's step is proportional "
            "to the tiny y-gradient, so it slides to the flat centre and lingers there: after "
            "300 steps it is still within 0.5 of it. Adam normalises the tiny y-gradient to a "
            "step of about α, escapes past |y| = 1 in under 100 steps and keeps going downhill."
        ),
        function="saddle",
        start=(-1.8, 0.001),
        steps=300,
        optimizers=(
            optimizer("SGD", learning_rate=0.01),
            optimizer("Adam", learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8),
        ),
    ),
    Scenario(
        key="per-parameter",
        title="Per-parameter step sizes on an ill-conditioned bowl",
        notice=(
            "This bowl is 100 times steeper in x than in y. Any single α that keeps SGD stable in "
            "x (α < 0.2) makes it crawl in y. Adam and RMSProp scale each coordinate by its own "
            "gradient RMS, so x and y shrink at the same pace and the path runs along the "
            "diagonal. The Inside Adam page shows these per-parameter rates."
        ),
        function="elongated_bowl",
        start=(-2.5, 2.5),
        steps=300,
        optimizers=(
            optimizer("SGD", learning_rate=0.15),
            optimizer("Adam", learning_rate=0.05, beta1=0.9, beta2=0.999, epsilon=1e-8),
            optimizer("RMSProp", learning_rate=0.02, rho=0.99, epsilon=1e-8),
        ),
    ),
    Scenario(
        key="himmelblau",
        title="The course's Himmelblau animation: Adam from (−4, 4)",
        notice=(
            "Himmelblau has four minima of equal depth. From (−4, 4) both head for the minimum "
            "at (−2.81, 3.13); after 200 steps of α = 0.01 Adam is still on its way, while "
            "RMSProp, whose first steps are ten times longer, has arrived. Click elsewhere on the "
            "map to restart from another point and watch which basin each one falls into."
        ),
        function="himmelblau",
        start=(-4.0, 4.0),
        steps=200,
        optimizers=(
            optimizer("Adam", learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8),
            optimizer("RMSProp", learning_rate=0.01, rho=0.99, epsilon=1e-8),
        ),
    ),
)

PRESETS_BY_KEY = by_key(PRESETS)
