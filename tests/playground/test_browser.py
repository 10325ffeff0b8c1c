"""The playground in a real browser: Debian's Chromium, headless, driven by Playwright for Python.

Skips (saying why) without Playwright or without a Chromium executable; set
``PLAYGROUND_CHROMIUM`` to use another one, and ``PLAYGROUND_SCREENSHOTS`` to a folder to keep
the screenshots (by default they go to pytest's temporary folder, printed at the end).
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
)

CHROMIUM = (
    os.environ.get("PLAYGROUND_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
if not CHROMIUM:
    pytest.skip(
        "no Chromium executable (apt-get install chromium, or set PLAYGROUND_CHROMIUM)",
        allow_module_level=True,
    )

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# spiral needs more than x₁, x₂ to be learned within seconds
START = "#features=x1,x2,sin_x1,sin_x2&hidden=8,8&optimizer=adam&learning_rate=0.03"
LOSS_THRESHOLD = 0.25


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = Path(os.environ.get("PLAYGROUND_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nplayground screenshots: {folder}")


@pytest.fixture
def page(browser, server_url):
    context = browser.new_context(
        locale="en-US",
        viewport={"width": 1400, "height": 900},
        accept_downloads=True,
        bypass_csp=True,
    )  # lets the test evaluate JS
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server_url + START)
    page.wait_for_selector("#columns .neuron.unit")
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


def canvas_pixels(page, selector) -> str:
    return page.eval_on_selector(selector, "canvas => canvas.toDataURL()")


def number(page, selector) -> float:
    text = page.inner_text(selector)
    return float(text) if re.fullmatch(r"[\d.]+", text) else float("nan")


def wait_for_epoch_above(page, epoch):
    page.wait_for_function(
        f"Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > {epoch}"
    )


def export(page, button, folder) -> Path:
    with page.expect_download() as download:
        page.click(button)
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def test_spiral_learns_and_the_exported_script_learns_the_same(page, screenshots, tmp_path):
    page.click("[data-dataset=spiral]")
    page.click("#add-layer")
    page.wait_for_function("document.querySelectorAll('#columns .column').length === 5")
    assert page.inner_text("#hidden-count") == "3"
    assert "dataset=spiral" in page.url and "hidden=8%2C8%2C2" in page.url
    page.screenshot(path=screenshots / "1-spiral-before.png")
    output_before = canvas_pixels(page, "#output-map")
    neuron_before = canvas_pixels(page, "#columns .neuron.unit canvas")

    page.click("#play")
    page.wait_for_function(
        f"Number(document.querySelector('#test-loss').textContent) < {LOSS_THRESHOLD}",
        timeout=90_000,
    )
    page.click("#play")  # pause
    page.wait_for_function("!document.querySelector('#play').classList.contains('playing')")
    page.screenshot(path=screenshots / "2-spiral-trained.png")
    assert canvas_pixels(page, "#output-map") != output_before
    assert canvas_pixels(page, "#columns .neuron.unit canvas") != neuron_before
    assert page.locator("#links path").count() == 2 * (4 * 8 + 8 * 8 + 8 * 2 + 2 * 1)
    bars = page.eval_on_selector_all(".gradient-bar .fill", "bars => bars.map(b => b.style.width)")
    assert len(bars) == 4 and all(width not in ("", "0%", "0.0%") for width in bars)
    smooth = canvas_pixels(page, "#output-map")
    page.check("#discretize")
    assert canvas_pixels(page, "#output-map") != smooth and "discretize=1" in page.url
    points = canvas_pixels(page, "#points")
    page.check("#show-test")
    assert canvas_pixels(page, "#points") != points
    test_loss = number(page, "#test-loss")
    epochs = int(page.inner_text("#epoch").replace(",", ""))

    script = export(page, "#export-script", tmp_path)
    assert script.name == "playground_spiral.py" and f"default={epochs}," in script.read_text()
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    script_loss = float(re.search(r"test loss: ([\d.]+)", done.stdout).group(1))
    assert script_loss == pytest.approx(test_loss, abs=0.02)

    import numpy as np

    import profundo as pf

    model = pf.models.load_model(export(page, "#export-model", tmp_path))
    assert model.predict(np.zeros((3, 4), np.float32)).shape == (3, 1)


def test_the_language_switch_translates_the_page(page, browser, server_url):
    assert page.inner_text(".data-panel h2") == "DATA"  # upper-cased by the style sheet
    assert page.inner_text("#test-loss-label") == "Test loss"
    page.click("#language")
    assert page.inner_text(".data-panel h2") == "DATOS"
    assert page.inner_text("#test-loss-label") == "Pérdida de prueba"
    assert page.inner_text("[data-dataset=xor] span") == "O exclusivo"
    assert "8 neuronas" in page.inner_text("#columns")
    assert page.get_attribute("#play", "title") == "Entrenar / pausar"
    page.click("#language")
    assert page.inner_text("#test-loss-label") == "Test loss"
    spanish = browser.new_context(locale="es-ES", bypass_csp=True).new_page()
    spanish.goto(server_url)
    assert spanish.inner_text("#train-loss-label") == "Pérdida de entrenamiento"
    spanish.context.close()


def test_weights_can_be_read_and_edited(page):
    link = page.locator("#links path.hit").last  # drawn last: on top of the others
    link.hover()
    assert re.fullmatch(r"Weight -?\d+\.\d{3}", page.inner_text("#tooltip"))
    link.click()
    page.fill("#weight-editor input", "2.5")
    page.press("#weight-editor input", "Enter")
    page.mouse.move(5, 5)
    page.wait_for_timeout(300)
    link.hover()
    assert page.inner_text("#tooltip") == "Weight 2.500"
    page.locator("#columns .neuron.unit").first.hover()
    assert page.is_visible("#zoom")


def test_the_perceptron_fails_on_xor(page, screenshots):
    page.select_option("[data-key=mode]", "perceptron")
    page.click("[data-dataset=xor]")
    page.wait_for_function("document.querySelectorAll('#columns .column').length === 2")
    page.click("#play")
    page.wait_for_function(
        "document.querySelector('#status').textContent.length > 0", timeout=60_000
    )
    assert "did not converge" in page.inner_text("#status")
    assert page.inner_text("#test-loss-label") == "Test error"
    page.screenshot(path=screenshots / "3-perceptron-xor.png")


def test_regression_shows_its_own_data_sets(page):
    page.select_option("[data-key=problem]", "regression")
    page.wait_for_function("location.hash.includes('dataset=plane')")
    assert page.is_visible("[data-dataset=multi_gauss]") and not page.is_visible(
        "[data-dataset=spiral]"
    )
    page.click("[data-dataset=multi_gauss]")
    page.click("#step")
    wait_for_epoch_above(page, 0)
    assert page.inner_text("#message") == ""


def test_own_points_by_click_and_by_csv(page, tmp_path):
    page.click("[data-dataset=gauss]")
    page.wait_for_function("location.hash.includes('dataset=gauss')")
    page.click("#points", position={"x": 40, "y": 40})
    page.wait_for_function("location.hash.includes('dataset=custom')")
    page.wait_for_timeout(300)
    assert page.inner_text("#message") == ""
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n1,1,1\n2,2,1\n-1,-1,0\n-2,-2,0\n-2,-1,0\n9,9,1\n")
    page.set_input_files("#csv", str(csv))
    page.wait_for_function("document.querySelector('#message').textContent.includes('5 points')")
    page.click("#step")
    wait_for_epoch_above(page, 0)


def test_the_url_restores_the_configuration(browser, server_url):
    page = browser.new_page(bypass_csp=True)
    page.goto(server_url + "#dataset=xor&hidden=3,3,3&activation=relu&show_test=1")
    page.wait_for_selector("#columns .neuron.unit")
    assert page.inner_text("#hidden-count") == "3"
    assert page.input_value("[data-key=activation]") == "relu"
    assert page.is_checked("#show-test")
    assert page.locator("#columns .neuron.unit").count() == 3 * 3 + 1
    page.context.close()


COLORED_PIXELS = """canvas => {
  const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - d[i + 2]) > 80) n++;
  return n;
}"""  # orange and blue points; the grey axes do not count


def colored_pixels(page) -> int:
    return page.eval_on_selector("#points", COLORED_PIXELS)


@pytest.mark.parametrize(
    "address",
    ["", "#dataset=xor", "#dataset=gauss", "#dataset=spiral", "#problem=regression&dataset=plane"],
)
def test_a_page_opened_at_its_default_address_shows_its_points_before_and_after_play(
    browser, server_url, address
):
    """The plain address sends the server's own default configuration first; the points must
    still come (they did not: the server saw "no change")."""
    page = browser.new_context(
        locale="en-US", viewport={"width": 1400, "height": 900}, bypass_csp=True
    ).new_page()
    page.goto(server_url + address)
    page.wait_for_selector("#columns .neuron.unit")
    page.wait_for_function(f"({COLORED_PIXELS})(document.querySelector('#points')) > 500")
    page.click("#play")
    wait_for_epoch_above(page, 2)
    page.click("#play")
    assert colored_pixels(page) > 500 and page.inner_text("#message") == ""
    page.context.close()


def test_own_points_on_the_default_page_onto_the_set_or_on_an_empty_plane(browser, server_url):
    page = browser.new_context(
        locale="en-US", viewport={"width": 1400, "height": 900}, bypass_csp=True
    ).new_page()
    page.goto(server_url)
    page.wait_for_selector("#columns .neuron.unit")
    page.wait_for_function(f"({COLORED_PIXELS})(document.querySelector('#points')) > 500")
    before = colored_pixels(page)
    page.click("#points", position={"x": 40, "y": 40})  # onto the current set
    page.wait_for_function("location.hash.includes('dataset=custom')")
    page.wait_for_timeout(300)
    assert page.inner_text("#message") == "" and colored_pixels(page) > before * 0.9
    page.click("#empty-plane")  # from nothing
    box = page.locator("#points").bounding_box()
    at = lambda fx, fy: {"x": fx * box["width"], "y": fy * box["height"]}  # noqa: E731
    for k, (fx, fy) in enumerate([(0.2, 0.2), (0.8, 0.8), (0.2, 0.8)]):
        page.click("#points", position=at(fx, fy))
        assert f"{k + 1} so far" in page.inner_text("#message")
    page.click("#points", position=at(0.8, 0.2))
    page.wait_for_function("document.querySelector('#message').textContent === ''")
    page.click("#step")
    wait_for_epoch_above(page, 0)
    assert page.inner_text("#message") == ""
    page.context.close()


def fresh_page(browser, url, locale="en-US"):
    page = browser.new_context(
        locale=locale, viewport={"width": 1400, "height": 900}, bypass_csp=True
    ).new_page()
    page.goto(url)
    return page


def test_a_diverging_run_says_so_instead_of_freezing(browser, server_url):
    """Seen in Chromium: NaN in a frame, JSON.parse refused it, the page froze at epoch 0."""
    page = fresh_page(
        browser,
        server_url + "#problem=regression&dataset=plane&learning_rate=10"
        "&activation=relu&hidden=8,8,8&batch_size=1&n_points=100",
    )
    page.wait_for_selector("#columns .neuron.unit")
    page.click("#play")
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes('no longer a number')",
        timeout=60_000,
    )
    assert not page.locator("#play.playing").count()
    page.context.close()


def test_the_ninth_page_is_told_too_many_pages_are_open(browser, start_server):
    from profundo.playground.app import MAX_CONNECTIONS

    ws_client = pytest.importorskip("websockets.sync.client")
    _, server_url, _ = start_server()  # its own server: no other test's pages are open on it
    url = server_url.replace("http://", "ws://") + "ws"
    with contextlib.ExitStack() as others:
        for _ in range(MAX_CONNECTIONS):
            others.enter_context(ws_client.connect(url, proxy=None, max_size=None))
        page = fresh_page(browser, server_url, locale="es-ES")
        page.wait_for_function(
            "document.querySelector('#message').textContent.includes('demasiadas páginas')"
        )
        page.wait_for_timeout(300)  # the close that follows does not hide it
        assert "demasiadas páginas" in page.inner_text("#message")
        page.context.close()


def test_when_the_server_stops_the_page_stops_playing(browser, start_server):
    process, url, _ = start_server()
    page = fresh_page(browser, url)
    page.wait_for_selector("#columns .neuron.unit")
    page.click("#play")
    page.wait_for_selector("#play.playing")
    process.terminate()
    process.wait(timeout=20)
    page.wait_for_function("document.querySelector('#message').textContent.includes('connection')")
    assert not page.locator("#play.playing").count() and page.is_disabled("#play")
    assert page.get_attribute("#play", "title") == "Run / pause"
    page.context.close()


def test_small_things_a_student_notices(browser, server_url):
    """Plurals, the layer buttons at their limits, regression without "Discretize output",
    "Clear points" back to the set before, and the colour legend's caption."""
    page = fresh_page(browser, server_url + "#dataset=xor&hidden=4")
    page.wait_for_selector("#columns .neuron.unit")
    assert page.inner_text("#hidden-word") == "hidden layer" and not page.is_disabled(
        "#remove-layer"
    )
    page.click("#language")
    assert page.inner_text("#hidden-word") == "capa oculta"
    page.click("#remove-layer")
    assert page.inner_text("#hidden-word") == "capas ocultas" and page.is_disabled("#remove-layer")
    for _ in range(6):
        page.click("#add-layer")
    assert page.inner_text("#hidden-count") == "6" and page.is_disabled("#add-layer")
    assert "naranja" in page.inner_text("#legend-caption")
    page.click("#points", position={"x": 40, "y": 40})  # own points from the xor set
    page.wait_for_function("location.hash.includes('dataset=custom')")
    page.click("#clear-points")
    page.wait_for_function("location.hash.includes('dataset=xor')")
    assert page.is_visible("#discretize")
    page.select_option("[data-key=problem]", "regression")
    page.wait_for_function("location.hash.includes('dataset=plane')")
    assert not page.is_visible("#discretize")
    page.context.close()


def test_the_language_is_kept_on_reload_and_errors_are_explained_in_it(browser, server_url):
    page = fresh_page(browser, server_url)
    page.wait_for_selector("#columns .neuron.unit")
    page.click("#language")
    page.reload()
    page.wait_for_selector("#columns .neuron.unit")
    assert page.inner_text("#test-loss-label") == "Pérdida de prueba"
    explained = page.evaluate("""async () => {
        const { explain } = await import("/static/js/i18n.js");
        return [explain({ code: "invalid", field: "config.hidden.0", reason: "less_than_equal",
                          limit: 8,
                          detail: "config.hidden.0: Input should be less than or equal to 8" }),
                explain({ code: "invalid", field: "config", reason: "too_few_points", limit: 4,
                          detail: "x" }),
                explain({ code: "too_many_pages", detail: "8 pages are open" })];
    }""")
    assert explained == ["neuronas de una capa: como mucho 8", "hacen falta al menos 4 puntos", ""]
    page.click("#language")  # back to English, kept too
    page.reload()
    page.wait_for_selector("#columns .neuron.unit")
    assert page.inner_text("#test-loss-label") == "Test loss"
    page.context.close()


def test_tf_playground_things_bias_squares_links_text_and_classroom_mode(browser, server_url):
    page = fresh_page(browser, server_url + "#hidden=3&learning_rate_hide=1&x1x2_hide=1&hideText=1")
    page.wait_for_selector("#columns .neuron.unit")
    assert page.locator("#columns .neuron.unit .bias").count() == 3 + 1  # one per neuron
    assert not page.is_visible("[data-key=learning_rate]") and page.is_visible(
        "[data-key=activation]"
    )
    assert page.locator("#columns .neuron.feature:visible").count() == 7 - 1  # x₁x₂ hidden
    assert not page.is_visible("#explainer")
    colours = page.eval_on_selector_all(
        "#links path:not(.hit)", "ps => ps.map(p => p.getAttribute('stroke'))"
    )
    assert all(c.startswith("rgb(") for c in colours) and len(set(colours)) > 3  # faded by |w|
    page.click("#play")
    page.wait_for_selector("#links.flowing.animate")  # dashes move while training
    page.uncheck("#animate")
    assert "animate=0" in page.url and not page.locator("#links.animate").count()
    page.click("#play")
    page.click("#classroom summary")
    page.check("#classroom-choices input[value=noise]")
    assert not page.is_visible("[data-key=noise]") and "noise_hide=1" in page.url
    assert "noise_hide=1" in page.input_value("#share-link")
    page.uncheck("#classroom-choices input[value=learning_rate]")
    assert page.is_visible("[data-key=learning_rate]") and "learning_rate_hide" not in page.url
    spanish = fresh_page(browser, server_url, locale="es-ES")
    spanish.wait_for_selector("#columns .neuron.unit")
    assert "¿Qué significan los colores?" in spanish.inner_text("#explainer")
    spanish.context.close()
    page.context.close()


def test_tf_playgrounds_loss_and_zero_weights_from_the_url(browser, server_url):
    page = fresh_page(browser, server_url + "#loss=squared_error&init_zero=1&hidden=3")
    page.wait_for_selector("#columns .neuron.unit")
    assert page.input_value("[data-key=loss]") == "squared_error" and page.is_checked(
        "[data-key=init_zero]"
    )
    page.wait_for_function(
        "document.querySelector('#test-loss').textContent === '0.500'"
    )  # ½(0 − ±1)²
    page.context.close()


def test_one_mini_batch_makes_backpropagation_visible(browser, server_url):
    page = fresh_page(browser, server_url + "#hidden=3&n_points=100&batch_size=5")
    page.wait_for_selector("#columns .neuron.unit")
    page.wait_for_function(f"({COLORED_PIXELS})(document.querySelector('#points')) > 100")
    points = canvas_pixels(page, "#points")
    page.click("#step-batch")
    page.wait_for_selector("#links.backprop")
    assert page.is_visible("#backprop-help") and canvas_pixels(page, "#points") != points  # ringed
    link = page.locator("#links path.hit").first
    link.hover()
    assert re.fullmatch(
        r"Weight -?[\d.e-]+ · ∂L/∂w -?[\d.e-]+ · Δw -?[\d.e-]+", page.inner_text("#tooltip")
    )
    page.click("#step")  # training again: the weights come back
    page.wait_for_function("!document.querySelector('#links').classList.contains('backprop')")
    assert not page.is_visible("#backprop-help")
    page.context.close()


def test_the_chart_is_readable_and_warns_when_the_loss_misbehaves(browser, server_url):
    page = fresh_page(browser, server_url + "#hidden=3&n_points=100&learning_rate=0.3")
    page.wait_for_selector("#columns .neuron.unit")
    for _ in range(3):
        page.click("#step")
    page.wait_for_function(
        "document.querySelector('#chart-note').textContent.includes('test accuracy')"
    )
    assert "lowest test loss" in page.inner_text("#chart-note") and page.is_visible("#chart-legend")
    notes = page.evaluate("""async () => {
        const { LossChart } = await import("/static/js/chart.js");
        const note = (rows) => {
            const el = document.createElement("p");
            new LossChart(document.createElement("canvas"), el).add(rows);
            return el.textContent;
        };
        const zigzag = Array.from(
            { length: 30 }, (_, i) => [i, 0.5, i % 2 ? 0.2 : 0.6, null, null]);
        const rising = Array.from({ length: 30 }, (_, i) => [i, 0.5, 0.1 + i * 0.02, null, null]);
        return [note(zigzag), note(rising)];
    }""")
    assert "jumps up and down" in notes[0] and "climbing" in notes[1]
    page.context.close()


def test_on_a_phone_nothing_overflows_the_output_is_near_play_and_controls_are_big(
    browser, server_url
):
    page = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, bypass_csp=True
    ).new_page()
    page.goto(server_url)
    page.wait_for_selector("#columns .neuron.unit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    play = page.locator("#play").bounding_box()
    output = page.locator("#points").bounding_box()
    assert output["y"] - (play["y"] + play["height"]) < 600 and output["x"] + output["width"] <= 390
    small = page.evaluate("""() => [...document.querySelectorAll('button, select')]
        .filter((el) => el.offsetParent && el.getBoundingClientRect().height < 40)
        .map((el) => el.id || el.textContent)""")
    assert small == []
    page.tap("#play")
    page.wait_for_selector("#play.playing")
    page.context.close()


def test_features_weights_and_points_are_reachable_by_keyboard_and_counters_stay_quiet(
    browser, server_url
):
    page = fresh_page(browser, server_url + "#hidden=2")
    page.wait_for_selector("#columns .neuron.unit")
    assert page.get_attribute("#epoch", "aria-live") == "off"
    assert page.get_attribute("[data-key=noise]", "aria-label") == "Noise"
    feature = page.locator("#columns .neuron.feature").nth(2)  # x₁², not in use
    assert "not in use" in feature.get_attribute("aria-label")
    feature.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash.includes('features=x1%2Cx2%2Cx1_sq')")
    page.wait_for_function(
        "document.querySelectorAll('#links path.hit').length === 3 * 2 + 2"
    )  # redrawn
    link = page.locator("#links path.hit").first
    assert link.get_attribute("tabindex") == "0" and "Weight from" in link.get_attribute(
        "aria-label"
    )
    link.focus()
    page.keyboard.press("Enter")
    assert page.is_visible("#weight-editor")
    page.keyboard.press("Escape")
    page.fill("#add-point [name=x1]", "2.5")
    page.fill("#add-point [name=x2]", "-1")
    page.click("#add-point button")
    page.wait_for_function("location.hash.includes('dataset=custom')")
    assert page.locator("#csv").evaluate("el => getComputedStyle(el).display") != "none"  # tabbable
    page.context.close()


def test_the_point_inspector_shows_what_each_neuron_computes(browser, server_url):
    page = fresh_page(browser, server_url + "#hidden=3,2&activation=relu")
    page.wait_for_selector("#columns .neuron.unit")
    page.check("#inspect-mode")
    page.click("#points", position={"x": 60, "y": 60})
    page.wait_for_selector("#inspector:not([hidden])")
    text = page.inner_text("#inspector")
    assert (
        "The point (" in text
        and "layer 1" in text
        and "layer 2" in text
        and "probability of blue" in text
    )
    assert text.count("f(z)=") == 3 + 2 and "dataset=circle" in page.url  # no point was added
    page.context.close()


def test_a_lesson_from_the_url_sets_up_the_page_and_says_what_to_try(browser, server_url):
    page = fresh_page(browser, server_url + "#tutorial=one_neuron&learning_rate=0.3")
    page.wait_for_selector("#columns .neuron.feature")
    assert (
        page.is_visible("#lesson") and page.inner_text("#lesson-title") == "One neuron draws a line"
    )
    assert page.inner_text("#hidden-count") == "0" and "dataset=gauss" in page.url
    assert page.input_value("[data-key=learning_rate]") == "0.3"  # the URL's own wins
    page.click("#classroom summary")
    page.click("#lesson-links a[href='#tutorial=hidden_layer']")
    page.wait_for_function("location.hash.includes('dataset=xor')")
    assert page.inner_text("#lesson-title") == "A hidden layer combines lines"
    assert page.inner_text("#lesson-chapter") == "In the course: chapter 2"
    chapter = page.inner_text("#lesson-file")
    assert chapter == "docs/course/en/02_multilayer_networks_and_activations.ipynb"
    assert (ROOT / chapter).is_file()  # the chapter the lesson names exists
    page.click("#close-lesson")
    assert not page.is_visible("#lesson") and "tutorial" not in page.url
    page.context.close()
