"""Dataframes of data objects to and from CSV, JSON and Parquet.

Cells holding data objects (annotations, test samples...), lists or dicts are written as JSON, and read back
as the same objects: every JSON object carrying a known ``data_type`` tag becomes that data object again.

Example:
    >>> import pandas as pd
    >>> from assay.workflow.annotation import BoundingBox
    >>> df = pd.DataFrame({"box": [BoundingBox((0, 0), (2, 1))]})
    >>> dataframe_from_csv(io.StringIO(dataframe_to_csv(df, index=False)))["box"][0] == df["box"][0]
    True
"""

from __future__ import annotations

import io  # noqa: F401 - used by the module's doctest
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped,unused-ignore]

from assay.workflow._datatypes import DataObject, revive, to_plain

__all__ = [
    "dataframe_from_csv",
    "dataframe_from_json",
    "dataframe_from_parquet",
    "dataframe_to_csv",
    "dataframe_to_parquet",
]


def _text_or_object(series: pd.Series) -> bool:
    # pandas 3 reads text into its own string dtype; older versions into object.
    return bool(pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype))


def _needs_json(value: Any) -> bool:
    return isinstance(value, DataObject | list | tuple | Mapping | np.ndarray)


def _encode_cell(value: Any) -> Any:
    if _needs_json(value):
        return json.dumps(to_plain(value))
    return value


def _encode_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        if _text_or_object(out[column]) and any(_needs_json(v) for v in out[column]):
            out[column] = out[column].map(_encode_cell)
    return out


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _parse_json_cell(value: Any) -> Any:
    if not isinstance(value, str):
        # Readers turn a missing cell of a text column into NaN or NA; it was None.
        return None if _is_missing(value) else value
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return revive(json.loads(text))
        except ValueError:  # not JSON after all: keep the text
            return value
    return value


def _parse_csv_cell(value: Any) -> Any:
    if _is_missing(value):
        return None
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text == "":
        return None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if text[:1] in ("{", "["):
        return _parse_json_cell(text)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return value


def dataframe_to_csv(df: pd.DataFrame, *args: Any, **kwargs: Any) -> str | None:
    """Write a dataframe to CSV with its data objects, lists and dicts as JSON cells.

    Args:
        df: The dataframe; it is not modified.
        *args: Passed to ``DataFrame.to_csv`` (e.g. the path).
        **kwargs: Passed to ``DataFrame.to_csv`` (e.g. ``index=False``).

    Returns:
        The CSV text when no path is given, else None.
    """
    result: str | None = _encode_frame(df).to_csv(*args, **kwargs)
    return result


def dataframe_from_csv(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV written by :func:`dataframe_to_csv`, reviving its JSON cells.

    In text columns, JSON cells become objects (data objects by their ``data_type``), ``true``/``false``
    become booleans, numeric text becomes numbers and empty cells become None; malformed JSON stays text.

    Args:
        *args: Passed to ``pandas.read_csv`` (e.g. the path or a buffer).
        **kwargs: Passed to ``pandas.read_csv``.

    Returns:
        The dataframe.
    """
    df = pd.read_csv(*args, **kwargs)
    for column in df.columns:
        if _text_or_object(df[column]):
            df[column] = df[column].map(_parse_csv_cell).astype(object)
    return df


def dataframe_from_json(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """Read JSON (e.g. written by ``DataFrame.to_json``), reviving tagged objects into data objects.

    Args:
        *args: Passed to ``pandas.read_json``.
        **kwargs: Passed to ``pandas.read_json``.

    Returns:
        The dataframe.
    """
    df = pd.read_json(*args, **kwargs)
    for column in df.columns:
        if _text_or_object(df[column]):
            df[column] = df[column].map(revive).astype(object)
    return df


def dataframe_to_parquet(df: pd.DataFrame, *args: Any, **kwargs: Any) -> bytes | None:
    """Write a dataframe to Parquet with its data objects, lists and dicts as JSON text.

    Args:
        df: The dataframe; it is not modified.
        *args: Passed to ``DataFrame.to_parquet`` (e.g. the path).
        **kwargs: Passed to ``DataFrame.to_parquet``.

    Returns:
        The Parquet bytes when no path is given, else None.
    """
    result: bytes | None = _encode_frame(df).to_parquet(*args, **kwargs)
    return result


def dataframe_from_parquet(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """Read Parquet written by :func:`dataframe_to_parquet`, reviving its JSON cells.

    Args:
        *args: Passed to ``pandas.read_parquet``.
        **kwargs: Passed to ``pandas.read_parquet``.

    Returns:
        The dataframe.
    """
    df = pd.read_parquet(*args, **kwargs)
    for column in df.columns:
        if _text_or_object(df[column]):
            df[column] = df[column].map(_parse_json_cell).astype(object)
    return df
