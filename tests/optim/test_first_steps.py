"""Updates derived by hand, and the reference test vectors computed from the frameworks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optim import SGD, Adagrad, Adam, AdamW, RMSProp

gradients = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(
    lambda g: abs(g) > 1e-6
)
rates = st.floats(min_value=1e-5, max_value=1.0)


def first_step(optimizer, theta: float, g: float) -> float:
    params, _ = optimizer.step(np.array([theta]), np.array([g]), optimizer.init(np.array([theta])))
    return float(params[0])


@given(g=gradients, lr=rates)
def test_adam_first_step_is_lr_times_sign(g, lr):
    # m1 = (1−β1)g, v1 = (1−β2)g², so m̂1 = g, v̂1 = g²: the step is −α·g/(|g| + ε)
    eps = 1e-8
    step = first_step(Adam(learning_rate=lr, epsilon=eps), 0.0, g)
    assert step == pytest.approx(-lr * g / (abs(g) + eps), rel=1e-12)
    assert abs(step) == pytest.approx(lr, rel=1.01 * eps / abs(g))  # length α, up to ε/|g|


@given(g=gradients, lr=rates)
def test_keras_adam_first_step_uses_epsilon_hat(g, lr):
    # α1 = α·√(1−β2)/(1−β1); m1 = (1−β1)g; √v1 = √(1−β2)|g| -> −α·g/(|g| + ε̂/√(1−β2))
    eps = 1e-3
    step = first_step(Adam(learning_rate=lr, epsilon=eps, convention="keras"), 0.0, g)
    assert step == pytest.approx(-lr * g / (abs(g) + eps / math.sqrt(1 - 0.999)), rel=1e-12)


@given(g=gradients, lr=rates)
def test_adam_without_bias_correction_first_step_is_about_3_alpha(g, lr):
    # m1 = 0.1 g, v1 = 0.001 g²: the step is α·0.1·g/(√0.001·|g| + ε) ≈ 3.16 α
    step = first_step(Adam(learning_rate=lr, bias_correction=False), 0.0, g)
    assert step == pytest.approx(-lr * 0.1 * g / (math.sqrt(0.001) * abs(g) + 1e-8), rel=1e-12)


def test_bias_correction_example_from_the_course():
    # g = 0.1, β1 = 0.9, β2 = 0.999: m1 = 0.01 and m̂1 = 0.1 (the gradient itself)
    from optim.adam import AdamState

    optimizer = Adam()
    _, state = optimizer.step(np.array([0.0]), np.array([0.1]), optimizer.init(np.array([0.0])))
    assert isinstance(state, AdamState)
    assert state.m[0] == pytest.approx(0.01, rel=1e-15)
    assert state.m[0] / (1 - 0.9) == pytest.approx(0.1, rel=1e-15)
    assert state.v[0] == pytest.approx(0.001 * 0.01, rel=1e-15)


@given(g=gradients, lr=rates, theta=st.floats(-10, 10))
def test_sgd_first_steps(g, lr, theta):
    assert first_step(SGD(learning_rate=lr), theta, g) == pytest.approx(
        theta - lr * g, rel=1e-12, abs=1e-12
    )
    # torch's buffer starts as g itself, with no dampening: the first step is plain SGD
    damped = SGD(learning_rate=lr, momentum=0.9, dampening=0.5)
    assert first_step(damped, theta, g) == pytest.approx(theta - lr * g, rel=1e-12, abs=1e-12)
    nesterov = SGD(learning_rate=lr, momentum=0.9, nesterov=True)  # g + μ·b1 = 1.9 g
    assert first_step(nesterov, theta, g) == pytest.approx(
        theta - lr * 1.9 * g, rel=1e-12, abs=1e-12
    )


@given(g=gradients, lr=rates)
def test_rmsprop_first_step(g, lr):
    # v1 = (1−ρ)g²; torch: −α·g/(√v1 + ε); keras: −α·g/√(v1 + ε)
    torch_step = first_step(RMSProp(learning_rate=lr), 0.0, g)
    assert torch_step == pytest.approx(-lr * g / (math.sqrt(0.01) * abs(g) + 1e-8), rel=1e-12)
    keras_step = first_step(RMSProp(learning_rate=lr, convention="keras"), 0.0, g)
    assert keras_step == pytest.approx(-lr * g / math.sqrt(0.1 * g * g + 1e-7), rel=1e-12)


@given(g=gradients, lr=rates)
def test_adagrad_first_step(g, lr):
    assert first_step(Adagrad(learning_rate=lr), 0.0, g) == pytest.approx(
        -lr * g / (abs(g) + 1e-10), rel=1e-12
    )
    keras_step = first_step(Adagrad(learning_rate=lr, convention="keras"), 0.0, g)
    assert keras_step == pytest.approx(-lr * g / math.sqrt(0.1 + g * g + 1e-7), rel=1e-12)


# θ after steps 1, 2, 3 on f(x) = x² (g = 2x), from the reference sheet of framework runs.
VECTORS = [
    (
        "torch Adam",
        Adam(learning_rate=0.1),
        1.0,
        [0.9000000005, 0.800412228691793, 0.70158627294603],
    ),
    (
        "keras Adam",
        Adam(learning_rate=0.1, convention="keras"),
        1.0,
        [0.900000158113633, 0.800412501943775, 0.701586643126717],
    ),
    (
        "torch Adam eps=0.1",
        Adam(learning_rate=0.1, epsilon=0.1),
        1.0,
        [0.904761904761905, 0.810110155758057, 0.716362192873403],
    ),
    (
        "keras Adam eps=0.1",
        Adam(learning_rate=0.1, epsilon=0.1, convention="keras"),
        1.0,
        [0.961257411327721, 0.914589887332478, 0.863556992245434],
    ),
    (
        "torch Adam L2",
        Adam(learning_rate=0.1, weight_decay=0.1),
        1.0,
        [0.90000000047619, 0.800412228643195, 0.701586272871821],
    ),
    (
        "torch AdamW",
        AdamW(learning_rate=0.1, weight_decay=0.1),
        1.0,
        [0.8900000005, 0.781571855936505, 0.67510122164007],
    ),
    (
        "optax AdamW",
        AdamW(learning_rate=0.1, weight_decay=0.1, convention="optax"),
        1.0,
        [0.8900000005, 0.781571855936505, 0.67510122164007],
    ),
    (
        "keras AdamW",
        AdamW(learning_rate=0.1, weight_decay=0.1, convention="keras"),
        1.0,
        [0.890000158113633, 0.781572128065433, 0.675101588614461],
    ),
    ("heavy ball", SGD(learning_rate=0.1, momentum=0.9), 1.0, [0.8, 0.46, 0.062]),
    (
        "keras heavy ball",
        SGD(learning_rate=0.1, momentum=0.9, convention="keras"),
        1.0,
        [0.8, 0.46, 0.062],
    ),
    (
        "nesterov",
        SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
        1.0,
        [0.62, 0.2224, -0.108352],
    ),
    (
        "torch damped",
        SGD(learning_rate=0.1, momentum=0.9, dampening=0.5, weight_decay=0.1),
        1.0,
        [0.79, 0.51805, 0.21889975],
    ),
    (
        "torch RMSprop eps=0.1",
        RMSProp(learning_rate=0.01, rho=0.9, epsilon=0.1),
        1.0,
        [0.972694588100837, 0.952416036747884, 0.935311334016539],
    ),
    (
        "keras RMSprop eps=0.1",
        RMSProp(learning_rate=0.01, rho=0.9, epsilon=0.1, convention="keras"),
        1.0,
        [0.971715728752538, 0.950481969301244, 0.932561816695355],
    ),
    (
        "torch RMSprop",
        RMSProp(learning_rate=0.01),
        1.0,
        [0.900000005, 0.832917967970033, 0.779982273243635],
    ),
    (
        "torch RMSprop centered momentum",
        RMSProp(learning_rate=0.01, centered=True, momentum=0.9),
        1.0,
        [0.899496223524584, 0.74130598088367, 0.549650165316523],
    ),
    (
        "keras RMSprop centered momentum",
        RMSProp(
            learning_rate=0.01,
            rho=0.99,
            epsilon=1e-8,
            centered=True,
            momentum=0.9,
            convention="keras",
        ),
        1.0,
        [0.899496231163948, 0.74130599733272, 0.549650190085562],
    ),
    (
        "torch Adagrad",
        Adagrad(learning_rate=0.1),
        1.0,
        [0.900000000005, 0.833103526845036, 0.78045618135681],
    ),
    (
        "keras Adagrad",
        Adagrad(learning_rate=0.1, convention="keras"),
        1.0,
        [0.901227041539589, 0.834737277799036, 0.782299195486849],
    ),
]


@pytest.mark.parametrize(
    ("optimizer", "theta", "expected"), [v[1:] for v in VECTORS], ids=[v[0] for v in VECTORS]
)
def test_reference_vectors_on_x_squared(optimizer, theta, expected):
    params = np.array([theta])
    state = optimizer.init(params)
    path = []
    for _ in expected:
        params, state = optimizer.step(params, 2 * params, state)
        path.append(params[0])
    np.testing.assert_allclose(path, expected, rtol=1e-12)


AMSGRAD = {
    "pytorch": [0.400000001, 0.333027687825866, 0.28064497358203, 0.216221881679179],
    "keras": [0.400000031622767, 0.333027738680237, 0.280645040094422, 0.216221965281413],
    "optax": [0.400000001, 0.352631580421053, 0.32237327814061, 0.286374441629415],
}


@pytest.mark.parametrize("convention", AMSGRAD)
def test_amsgrad_max_where_each_framework_takes_it(convention):
    # g = 1, 0, 0.01, 0.5: Optax's max on the bias-corrected v̂ already differs at step 2
    optimizer = Adam(learning_rate=0.1, epsilon=1e-8, amsgrad=True, convention=convention)
    params = np.array([0.5])
    state = optimizer.init(params)
    path = []
    for g in (1.0, 0.0, 0.01, 0.5):
        params, state = optimizer.step(params, np.array([g]), state)
        path.append(params[0])
    np.testing.assert_allclose(path, AMSGRAD[convention], rtol=1e-12)
