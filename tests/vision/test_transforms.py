import math

import numpy as np
import pytest
from PIL import Image

import jtorch
from jtorch.utils.data._utils import host_tensor
from jtorch.vision import transforms as T
from jtorch.vision.transforms import functional as F


@pytest.fixture(scope="module")
def rgb():
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, (9, 12, 3), dtype=np.uint8))


def test_to_tensor_and_normalize_the_torchvision_way(rgb):
    t = T.ToTensor()(rgb)
    ref = np.asarray(rgb).transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    assert t.dtype == jtorch.float32 and tuple(t.shape) == (3, 9, 12)
    np.testing.assert_array_equal(t.numpy(), ref)
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.25, 0.3)
    n = T.Normalize(mean, std)(t).numpy()
    np.testing.assert_array_equal(n, (ref - np.float32(mean)[:, None, None]) / np.float32(std)[:, None, None])
    p = T.PILToTensor()(rgb)
    assert p.dtype == jtorch.uint8
    np.testing.assert_array_equal(p.numpy(), np.asarray(rgb).transpose(2, 0, 1))
    back = T.ToPILImage()(t)
    assert back.mode == "RGB" and np.array_equal(np.asarray(back), np.asarray(rgb))


def test_center_crop_pad_grayscale(rgb):
    a = np.asarray(rgb)
    top, left = int(round((9 - 5) / 2.0)), int(round((12 - 4) / 2.0))
    np.testing.assert_array_equal(np.asarray(T.CenterCrop((5, 4))(rgb)), a[top:top + 5, left:left + 4])
    t = T.ToTensor()(rgb)
    np.testing.assert_array_equal(T.CenterCrop((5, 4))(t).numpy(), t.numpy()[:, top:top + 5, left:left + 4])
    # crop larger than the image pads with zeros (torchvision's rule)
    assert tuple(T.CenterCrop(14)(t).shape) == (3, 14, 14)
    np.testing.assert_array_equal(np.asarray(T.Pad((1, 2))(rgb)), np.pad(a, [(2, 2), (1, 1), (0, 0)]))
    np.testing.assert_array_equal(T.Pad(2, padding_mode="reflect")(t).numpy(),
                                  np.pad(t.numpy(), [(0, 0), (2, 2), (2, 2)], mode="reflect"))
    np.testing.assert_array_equal(np.asarray(T.Grayscale()(rgb)), np.asarray(rgb.convert("L")))
    g3 = T.Grayscale(3)(rgb)
    assert g3.mode == "RGB"
    x = t.numpy()
    ref = (np.float32(0.2989) * x[0] + np.float32(0.587) * x[1] + np.float32(0.114) * x[2])[None]
    np.testing.assert_allclose(T.Grayscale()(t).numpy(), ref, rtol=0, atol=1e-7)


def test_resize_pil_and_tensor(rgb):
    out = T.Resize(6)(rgb)  # short side 9 -> 6, long side int(6 * 12 / 9) = 8
    assert out.size == (8, 6)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(rgb.resize((8, 6), Image.BILINEAR)))
    assert T.Resize((4, 5))(rgb).size == (5, 4)
    torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
    t = T.ToTensor()(rgb)
    ref = torch.nn.functional.interpolate(torch.from_numpy(t.numpy())[None], size=(6, 8), mode="bilinear",
                                          antialias=True, align_corners=False)[0].numpy()
    np.testing.assert_allclose(T.Resize(6)(t).numpy(), ref, atol=2e-6)


def test_rotate_tensor_matches_grid_sample(rgb):
    torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
    t = T.ToTensor()(rgb)
    h, w = 9, 12
    for mode in ("bilinear", "nearest"):
        out = F.rotate(t, 30.0, interpolation=F.InterpolationMode(mode)).numpy()
        rot = math.radians(-30.0)
        theta = torch.tensor([[math.cos(rot), math.sin(rot), 0.0], [-math.sin(rot), math.cos(rot), 0.0]])
        xs = torch.linspace(-w * 0.5 + 0.5, w * 0.5 - 0.5, w)
        ys = torch.linspace(-h * 0.5 + 0.5, h * 0.5 - 0.5, h)
        base = torch.stack([xs.expand(h, w), ys[:, None].expand(h, w), torch.ones(h, w)], -1).view(1, h * w, 3)
        grid = base.bmm(theta.T[None] / torch.tensor([0.5 * w, 0.5 * h])).view(1, h, w, 2)
        ref = torch.nn.functional.grid_sample(torch.from_numpy(t.numpy())[None], grid, mode=mode,
                                              padding_mode="zeros", align_corners=False)[0].numpy()
        np.testing.assert_allclose(out, ref, atol=1e-5)


def test_random_transforms_follow_manual_seed(rgb):
    tf = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3, 0.1),
                    T.RandomRotation(20), T.RandomAffine(10, (0.1, 0.1), (0.9, 1.1), 5),
                    T.RandomPerspective(), T.RandomGrayscale(0.5), T.GaussianBlur(3), T.ToTensor(),
                    T.RandomErasing(p=1.0)])
    jtorch.manual_seed(5)
    a = tf(rgb).numpy()
    jtorch.manual_seed(5)
    b = tf(rgb).numpy()
    c = tf(rgb).numpy()
    assert a.shape == (3, 8, 8) and np.array_equal(a, b) and not np.array_equal(a, c)
    jtorch.manual_seed(1)
    flips = [np.array_equal(np.asarray(T.RandomHorizontalFlip()(rgb)), np.asarray(rgb)) for _ in range(40)]
    assert 5 < sum(flips) < 35


def test_gaussian_blur_is_a_normalised_kernel():
    img = host_tensor(np.ones((1, 7, 7), np.float32))
    np.testing.assert_allclose(F.gaussian_blur(img, 5, 1.5).numpy(), 1.0, rtol=1e-6)
    spike = np.zeros((1, 7, 7), np.float32)
    spike[0, 3, 3] = 1
    out = F.gaussian_blur(host_tensor(spike), 3, 1.0).numpy()[0, 2:5, 2:5]
    k = np.exp(-0.5 * np.array([-1.0, 0.0, 1.0]) ** 2)
    k /= k.sum()
    np.testing.assert_allclose(out, np.outer(k, k), rtol=1e-5)


def test_wrong_types_raise_type_error(rgb):
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()(T.ToTensor()(rgb))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.Normalize((0.5,), (0.5,))(rgb)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize((0.5,), (0.5,))(T.PILToTensor()(rgb))
    with pytest.raises(TypeError, match="img should be PIL Image or Tensor"):
        T.CenterCrop(3)(np.zeros((4, 4)))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.RandomErasing(p=1.0)(rgb)


def test_random_apply_choice_order_lambda(rgb):
    jtorch.manual_seed(0)
    assert T.RandomApply([T.Lambda(lambda x: "applied")], p=1.0)(rgb) == "applied"
    assert T.RandomApply([T.Lambda(lambda x: "applied")], p=0.0)(rgb) is rgb
    assert T.RandomChoice([T.Lambda(lambda x: 1), T.Lambda(lambda x: 2)])(rgb) in (1, 2)
    assert T.RandomOrder([T.Lambda(lambda x: x + [1]), T.Lambda(lambda x: x + [2])])([]) in ([1, 2], [2, 1])
    assert F.convert_image_dtype(T.PILToTensor()(rgb), jtorch.float32).dtype == jtorch.float32


def test_batched_random_crop_flip_equals_per_sample_path():
    from jtorch.vision.transforms.transforms import batch_transform
    imgs = np.random.default_rng(0).integers(0, 256, (6, 8, 9, 3), dtype=np.uint8)
    tf = T.Compose([T.RandomCrop(8, padding=2, fill=7), T.RandomHorizontalFlip(), T.RandomVerticalFlip(),
                    T.ToTensor(), T.Normalize((0.5, 0.4, 0.3), (0.2, 0.2, 0.2))])
    jtorch.manual_seed(3)
    batched = batch_transform(tf, imgs)
    after_batch = jtorch.get_rng_state().tolist()
    jtorch.manual_seed(3)
    per = np.stack([tf(Image.fromarray(x)).numpy() for x in imgs])
    assert jtorch.get_rng_state().tolist() == after_batch  # the generator advanced alike
    assert batched.shape == (6, 3, 8, 8)
    np.testing.assert_array_equal(batched, per)
    assert batch_transform(T.Compose([T.ToTensor(), T.RandomErasing()]), imgs) is None  # no exact batched form


def test_v2_to_image_to_dtype(rgb):
    from jtorch.vision.transforms import v2
    x = v2.Compose([v2.ToImage(), v2.ToDtype(jtorch.float32, scale=True)])(rgb)
    np.testing.assert_array_equal(x.numpy(), T.ToTensor()(rgb).numpy())
    assert v2.ToImage()(rgb).dtype == jtorch.uint8 and v2.RandomCrop is T.RandomCrop
