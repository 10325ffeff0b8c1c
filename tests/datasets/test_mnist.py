import numpy as np

from profundo.datasets import download, mnist

# Label counts listed in the data set mirror's README.
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_mnist_from_the_project_mirror(shared_mirror, monkeypatch, home):
    monkeypatch.setenv(download.MIRROR_ENV, str(shared_mirror))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert x_train.max() == 255 and x_train.flags.writeable
    assert sorted(p.name for p in (home / "datasets" / "mnist").iterdir()) == sorted(
        f.name for f in mnist.FILES.values()
    )
