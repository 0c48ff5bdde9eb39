"""Seeded toy embeddings, so that pages can show attention on real tokens.

A toy embedding gives every distinct token string its own random vector, drawn
from a generator seeded by the token and a page-chosen seed, plus the
sinusoidal position encoding of Vaswani et al. 2017 (section 3.5). The same
token therefore gets the same vector wherever it appears, and two copies of a
token at different positions still differ. ``numpy.random.default_rng`` draws
the same numbers in CPython and in Pyodide, so both runtimes agree.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

__all__ = [
    "positional_encoding",
    "toy_embeddings",
    "toy_projections",
    "toy_queries_keys",
]


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")
    return int(value)


def _check_tokens(tokens) -> list[str]:
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(f"tokens must be a list of strings; got {tokens!r}")
    tokens = list(tokens)
    if not tokens:
        raise ValueError("tokens must contain at least one token; got an empty list")
    return tokens


def _token_rng(token: str, seed: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}\x00{token}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def positional_encoding(seq_len: int, d_model: int) -> np.ndarray:
    """Compute the sinusoidal position encoding.

    ``PE[pos, 2i] = sin(pos / 10000^(2i/d_model))`` and
    ``PE[pos, 2i+1] = cos(pos / 10000^(2i/d_model))``.

    Parameters
    ----------
    seq_len : int
        Number of positions.
    d_model : int
        Width of each encoding.

    Returns
    -------
    numpy.ndarray, shape (seq_len, d_model)

    Examples
    --------
    >>> positional_encoding(2, 4)[0].tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    seq_len = _check_positive_int("seq_len", seq_len)
    d_model = _check_positive_int("d_model", d_model)
    position = np.arange(seq_len, dtype=np.float64)[:, None]  # (seq_len, 1)
    pair = np.arange(0, d_model, 2, dtype=np.float64)  # (ceil(d_model / 2),)
    angle = position / np.power(10000.0, pair / d_model)  # (seq_len, ceil(d_model / 2))
    encoding = np.zeros((seq_len, d_model))
    encoding[:, 0::2] = np.sin(angle)
    encoding[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return encoding


def toy_embeddings(tokens, d_model: int = 16, seed: int = 0) -> np.ndarray:
    """Embed tokens as seeded random vectors plus their position encoding.

    Parameters
    ----------
    tokens : list of str, length seq_len
    d_model : int
        Width of each embedding.
    seed : int
        Selects a different, equally random, vocabulary.

    Returns
    -------
    numpy.ndarray, float64, shape (seq_len, d_model)

    Examples
    --------
    >>> x = toy_embeddings(["a", "b", "a"], d_model=4)
    >>> x.shape
    (3, 4)
    >>> pe = positional_encoding(3, 4)
    >>> bool(np.allclose(x[0] - x[2], pe[0] - pe[2]))
    True
    """
    tokens = _check_tokens(tokens)
    d_model = _check_positive_int("d_model", d_model)
    token_vectors = np.stack(
        [_token_rng(token, seed).standard_normal(d_model) for token in tokens]
    )  # (seq_len, d_model)
    return token_vectors + positional_encoding(len(tokens), d_model)


def toy_projections(d_model: int, d_k: int, seed: int = 0):
    """Draw query, key and value projection matrices.

    Entries are normal with variance ``1 / d_model``, so projected vectors keep
    roughly unit variance.

    Returns
    -------
    w_q, w_k, w_v : numpy.ndarray, each of shape (d_model, d_k)

    Examples
    --------
    >>> [w.shape for w in toy_projections(8, 4)]
    [(8, 4), (8, 4), (8, 4)]
    """
    d_model = _check_positive_int("d_model", d_model)
    d_k = _check_positive_int("d_k", d_k)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((3, d_model, d_k)) / math.sqrt(d_model)
    return w[0], w[1], w[2]


def toy_queries_keys(tokens, d_model: int = 16, d_k: int = 16, seed: int = 0):
    """Embed tokens and project them to queries and keys.

    Returns
    -------
    q : numpy.ndarray, shape (seq_len, d_k)
    k : numpy.ndarray, shape (seq_len, d_k)

    Examples
    --------
    >>> q, k = toy_queries_keys(["<s>", "hi"], d_model=8, d_k=4)
    >>> q.shape, k.shape
    ((2, 4), (2, 4))
    """
    x = toy_embeddings(tokens, d_model, seed)  # (seq_len, d_model)
    w_q, w_k, _ = toy_projections(d_model, d_k, seed)
    q = x @ w_q  # (seq_len, d_k)
    k = x @ w_k  # (seq_len, d_k)
    return q, k
