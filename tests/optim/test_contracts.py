"""Contracts of the optimizer API: purity, batching, per-trajectory hyperparameters, checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optim import SGD, Adagrad, Adam, AdamW, RMSProp
from optim.adam import AdamState
from optim.base import power

FACTORIES = {
    "Adam": lambda **h: Adam(**h),
    "AMSGrad": lambda **h: Adam(amsgrad=True, **h),
    "AdamW": lambda **h: AdamW(**h),
    "SGD": lambda **h: SGD(**h),
    "SGD+momentum": lambda **h: SGD(momentum=0.9, **h),
    "Nesterov": lambda **h: SGD(momentum=0.9, nesterov=True, **h),
    "RMSProp": lambda **h: RMSProp(**h),
    "RMSProp centered+momentum": lambda **h: RMSProp(centered=True, momentum=0.5, **h),
    "Adagrad": lambda **h: Adagrad(**h),
}
CONVENTIONS = ("pytorch", "keras", "optax")
finite = st.floats(-1e3, 1e3, allow_nan=False)


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("name", FACTORIES)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_step_is_pure(name, convention, data):
    optimizer = FACTORIES[name](learning_rate=0.1, convention=convention)
    params = data.draw(arrays(float, (3, 2), elements=finite))
    grads = data.draw(arrays(float, (3, 2), elements=finite))
    state = optimizer.init(params)
    for _ in range(2):  # the second step reads the state the first one produced
        snapshot = (params.copy(), grads.copy(), [np.copy(x) for x in state])
        new_params, new_state = optimizer.step(params, grads, state)
        np.testing.assert_array_equal(params, snapshot[0])
        np.testing.assert_array_equal(grads, snapshot[1])
        for before, after in zip(snapshot[2], state, strict=True):
            np.testing.assert_array_equal(before, after)
        assert new_params is not params
        assert type(new_state) is type(state)
        params, state = new_params, new_state


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("name", FACTORIES)
def test_batch_of_hyperparameters_equals_separate_steps(name, convention):
    # One learning rate per row of a (4, 2) batch: row i must equal a run with lr[i] alone.
    rng = np.random.default_rng(0)
    lr = np.array([1e-3, 1e-2, 0.1, 0.5])
    batch = FACTORIES[name](learning_rate=lr, convention=convention)
    params = rng.normal(size=(4, 2))
    grads = [rng.normal(size=(4, 2)) * 10.0**k for k in (-3, 0, 2)]
    state = batch.init(params)
    batch_params = params
    for g in grads:
        batch_params, state = batch.step(batch_params, g, state)
    for i in range(4):
        single = FACTORIES[name](learning_rate=float(lr[i]), convention=convention)
        p, s = params[i], single.init(params[i])
        for g in grads:
            p, s = single.step(p, g[i], s)
        np.testing.assert_array_equal(batch_params[i], p)


def test_state_is_a_named_tuple_with_the_seed_names():
    state = Adam(amsgrad=True).init(np.zeros(2))
    assert isinstance(state, AdamState)
    assert state._fields == ("count", "m", "v", "v_max")
    assert Adam().init(np.zeros(2)).v_max is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Adam(beta1=1.0), "Invalid beta1: 1.0 (must be in [0, 1))"),
        (lambda: Adam(beta2=-0.1), "Invalid beta2: -0.1 (must be in [0, 1))"),
        (lambda: Adam(learning_rate=-1e-3), "Invalid learning_rate: -0.001 (must be in [0, ∞))"),
        (lambda: Adam(epsilon=float("nan")), "Invalid epsilon: nan"),
        (lambda: Adam(learning_rate=np.array([0.1, float("inf")])), "Invalid learning_rate: inf"),
        (lambda: AdamW(weight_decay=-1), "Invalid weight_decay: -1.0"),
        (lambda: Adam(beta1=np.array([0.5, 1.2])), "Invalid beta1: 1.2 (must be in [0, 1))"),
        (lambda: Adam(convention="tensorflow"), "Invalid convention: 'tensorflow'"),
        (lambda: Adam(learning_rate="fast"), "Invalid learning_rate: 'fast' (must be a number)"),
        (lambda: SGD(momentum=-0.5), "Invalid momentum: -0.5"),
        (lambda: SGD(nesterov=True), "Nesterov momentum requires a momentum > 0"),
        (lambda: SGD(momentum=0.9, dampening=0.5, nesterov=True), "Nesterov momentum requires"),
        (lambda: SGD(momentum=0.9, dampening=0.5, convention="keras"), "Invalid dampening: 0.5"),
        (lambda: SGD(dampening=2.0), "Invalid dampening: 2.0 (must be in [0, 1])"),
        (lambda: RMSProp(rho=1.5), "Invalid rho: 1.5 (must be in [0, 1])"),
        (lambda: Adagrad(initial_accumulator_value=-1), "Invalid initial_accumulator_value: -1.0"),
    ],
)
def test_invalid_hyperparameters_name_value_and_range(make, message):
    with pytest.raises(ValueError) as error:
        make()
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda c: Adam(convention=c), {"pytorch": 1e-8, "keras": 1e-7, "optax": 1e-8}),
        (
            lambda c: AdamW(convention=c),
            {
                "pytorch": ("weight_decay", 1e-2),
                "keras": ("weight_decay", 4e-3),
                "optax": ("weight_decay", 1e-4),
            },
        ),
        (
            lambda c: SGD(convention=c),
            {"pytorch": ("learning_rate", 1e-3), "keras": ("learning_rate", 1e-2)},
        ),
        (
            lambda c: RMSProp(convention=c),
            {"pytorch": ("rho", 0.99), "keras": ("rho", 0.9), "optax": ("rho", 0.9)},
        ),
        (
            lambda c: Adagrad(convention=c),
            {
                "pytorch": ("initial_accumulator_value", 0.0),
                "keras": ("initial_accumulator_value", 0.1),
            },
        ),
    ],
)
def test_left_out_hyperparameters_take_the_frameworks_defaults(make, expected):
    for convention, value in expected.items():
        name, number = value if isinstance(value, tuple) else ("epsilon", value)
        assert getattr(make(convention), name) == number


def test_explicit_values_override_convention_defaults():
    assert Adam(epsilon=1e-3, convention="keras").epsilon == 1e-3
    assert RMSProp(rho=0.5, convention="keras").rho == 0.5


def test_hyperparameter_arrays_are_copied_and_read_only():
    lr = np.array([0.1, 0.2])
    optimizer = Adam(learning_rate=lr)
    lr[0] = 5.0
    assert optimizer.learning_rate[0] == 0.1
    with pytest.raises(ValueError):
        optimizer.learning_rate[0] = 1.0


ADAM_CASES = [
    (variant, convention, bias)
    for variant in ("Adam", "AMSGrad", "AdamW")
    for convention in CONVENTIONS
    for bias in (True, False)
]


@pytest.mark.parametrize(("variant", "convention", "bias"), ADAM_CASES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_the_fused_update_is_the_step_of_terms(variant, convention, bias, data):
    # Adam.update writes α·m̂/(√v̂ + ε) as one expression for speed; terms() spells it out for
    # every reader (inspector, recordings, figures). They must agree to float64 rounding.
    optimizer = FACTORIES[variant](
        learning_rate=data.draw(st.floats(1e-4, 1.0)),
        beta1=data.draw(st.floats(0.0, 0.99)),
        beta2=data.draw(st.floats(0.5, 0.9999)),
        epsilon=data.draw(st.floats(1e-10, 1.0)),
        bias_correction=bias,
        convention=convention,
    )
    params = data.draw(arrays(float, (3, 2), elements=finite))
    state = optimizer.init(params)
    hp = optimizer.batch_hyperparameters(True)
    for _ in range(data.draw(st.integers(1, 4))):
        grads = data.draw(arrays(float, (3, 2), elements=finite))
        new_params, new_state = optimizer.update(grads, state, params, hp)
        terms = optimizer.terms(new_state, params, hp)
        decay = 0.0 if terms.decay is None else terms.decay
        expected = params - terms.step - decay
        scale = np.abs(params) + np.abs(terms.step) + np.abs(decay)
        tolerance = 4 * np.finfo(float).eps * scale + np.finfo(float).tiny  # (subnormals)
        assert np.all(np.abs(new_params - expected) <= tolerance)
        params, state = new_params, new_state


def test_power_is_the_c_librarys_pow_for_every_element_of_a_batch():
    # β**t in Python floats (C's pow) is what PyTorch's bias correction and a single run use;
    # NumPy's vectorised power differs from it in the last bit for about 5 % of β's on an
    # AVX-512 CPU, which made a batch of runs differ from the same runs one by one.
    betas = np.linspace(0.5, 0.99999, 2001)
    known: dict = {}
    for t in (1, 2, 3, 7, 50, 999, 4613):
        expected = [math.pow(b, t) for b in betas.tolist()]
        assert power(betas, t, known).tolist() == expected
        assert power(betas[:, None], t).ravel().tolist() == expected  # a batch's shape
    assert len(known) == 1  # the distinct values of `betas`, found once
