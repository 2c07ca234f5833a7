"""Model architectures: state_dict keys and shapes as torchvision names them (no forward: compile-heavy)."""
import pytest

from jtorch import vision


def _bn(p):
    return [f"{p}.weight", f"{p}.bias", f"{p}.running_mean", f"{p}.running_var", f"{p}.num_batches_tracked"]


def _resnet_keys(blocks, bottleneck):
    keys = ["conv1.weight"] + _bn("bn1")
    convs = 3 if bottleneck else 2
    for li, n in enumerate(blocks, 1):
        for b in range(n):
            p = f"layer{li}.{b}"
            for c in range(1, convs + 1):
                keys += [f"{p}.conv{c}.weight"] + _bn(f"{p}.bn{c}")
            if b == 0 and (li > 1 or bottleneck):
                keys += [f"{p}.downsample.0.weight"] + _bn(f"{p}.downsample.1")
    return keys + ["fc.weight", "fc.bias"]


@pytest.mark.parametrize("name,blocks,bottleneck,n_keys", [("resnet18", [2, 2, 2, 2], False, 122),
                                                           ("resnet50", [3, 4, 6, 3], True, 320)])
def test_resnet_state_dict_keys(name, blocks, bottleneck, n_keys):
    model = getattr(vision.models, name)(num_classes=7)
    sd = model.state_dict()
    assert list(sd.keys()) == _resnet_keys(blocks, bottleneck) and len(sd) == n_keys
    assert tuple(sd["fc.weight"].shape) == (7, 2048 if bottleneck else 512)
    assert tuple(sd["conv1.weight"].shape) == (64, 3, 7, 7)
    if bottleneck:
        assert tuple(sd["layer2.0.conv2.weight"].shape) == (128, 128, 3, 3)
        assert tuple(sd["layer1.0.downsample.0.weight"].shape) == (256, 64, 1, 1)


def test_resnet34_and_vgg11_keys():
    assert len(vision.models.resnet34().state_dict()) == len(_resnet_keys([3, 4, 6, 3], False)) == 218
    sd = vision.models.vgg11(num_classes=3).state_dict()
    convs = [0, 3, 6, 8, 11, 13, 16, 18]
    expected = [f"features.{i}.{k}" for i in convs for k in ("weight", "bias")]
    expected += [f"classifier.{i}.{k}" for i in (0, 3, 6) for k in ("weight", "bias")]
    assert list(sd.keys()) == expected
    assert tuple(sd["classifier.0.weight"].shape) == (4096, 25088)
    assert tuple(sd["classifier.6.weight"].shape) == (3, 4096)
    with pytest.raises(NotImplementedError, match="pretrained weights"):
        vision.models.resnet18(weights="IMAGENET1K_V1")
