import numpy as np
import pytest

from jetfeat import plots


def test_roc_plot_axes(rng, tmp_path):
    y = rng.integers(0, 2, 2000)
    curves = {"good": (y, y + rng.normal(size=2000)), "weak": (y, 0.3 * y + rng.normal(size=2000))}
    figure = plots.plot_roc(curves, tmp_path / "roc.png")
    assert (tmp_path / "roc.png").stat().st_size > 1000
    ax = figure.axes[0]
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()][:2] == ["good", "weak"]
    # The plotted curve is 1/eps_B against eps_S, so it falls with eps_S.
    x, r = ax.get_lines()[0].get_data()
    assert x[0] < x[-1]
    assert r[0] > r[-1]
    assert r[-1] == pytest.approx(1.0)


def test_progress_plot(tmp_path):
    history = [
        {"n_selected": 2, "feature": None, "val_auc": 0.9, "val_r30": 20.0},
        {"n_selected": 3, "feature": "efp_d2_01-12_k1_b1", "val_auc": 0.93, "val_r30": 40.0},
    ]
    figure = plots.plot_selection_progress(history, tmp_path / "p.png",
                                           baselines={"all": 50.0, "broken": np.inf})
    assert (tmp_path / "p.png").is_file()
    r30_axis, auc_axis = figure.axes
    np.testing.assert_allclose(r30_axis.get_lines()[0].get_ydata(), [20.0, 40.0])
    np.testing.assert_allclose(auc_axis.get_lines()[0].get_ydata(), [0.9, 0.93])
    assert len(r30_axis.get_lines()) == 2  # the infinite baseline is not drawn


def test_selected_efps_drawn(tmp_path):
    names = ["jet_mass", "efp_d3_01-01-12_k0.5_b2", "efp_d1_01_k-1_b0.5"]
    figure = plots.plot_selected_efps(names, tmp_path / "g.png", scores={names[1]: 0.25})
    assert (tmp_path / "g.png").is_file()
    assert len(figure.axes) == 2
    assert "0.5" in figure.axes[0].get_title()
    assert "DisCo 0.250" in figure.axes[0].get_title()
    assert "-1" in figure.axes[1].get_title()


def test_no_efps_gives_none():
    assert plots.plot_selected_efps(["jet_mass", "tau21_beta1"]) is None


def test_efp_parameters():
    assert plots.efp_parameters("efp_d2_01-12_k-1_b0.5") == (-1.0, 0.5)
    with pytest.raises(ValueError, match="not an EFP"):
        plots.efp_parameters("tau21_beta1")

