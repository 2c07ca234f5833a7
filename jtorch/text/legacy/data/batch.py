"""torchtext.legacy.data.Batch: one attribute per field, holding the processed tensors."""


class Batch:
    def __init__(self, data=None, dataset=None, device=None):
        if data is not None:
            self.batch_size = len(data)
            self.dataset = dataset
            self.fields = dataset.fields.keys()
            self.input_fields = [k for k, v in dataset.fields.items() if v is not None and not v.is_target]
            self.target_fields = [k for k, v in dataset.fields.items() if v is not None and v.is_target]
            for name, field in dataset.fields.items():
                if field is not None:
                    batch = [getattr(x, name) for x in data]
                    setattr(self, name, field.process(batch, device=device))

    @classmethod
    def fromvars(cls, dataset, batch_size, train=None, **kwargs):
        batch = cls()
        batch.batch_size = batch_size
        batch.dataset = dataset
        batch.fields = dataset.fields.keys()
        for k, v in kwargs.items():
            setattr(batch, k, v)
        return batch

    def __repr__(self):
        return str(self)

    def __str__(self):
        if not self.__dict__:
            return f"Empty {type(self).__name__} instance"
        lines = []
        for name in self.fields:
            if hasattr(self, name):
                v = getattr(self, name)
                desc = _describe(v)
                lines.append(f"\t[.{name}]:{desc}")
        return f"\n[{type(self).__name__} of size {self.batch_size}]\n" + "\n".join(lines)

    def __len__(self):
        return self.batch_size

    def _get_field_values(self, fields):
        if len(fields) == 0:
            return None
        if len(fields) == 1:
            return getattr(self, fields[0])
        return tuple(getattr(self, f) for f in fields)

    def __iter__(self):
        yield self._get_field_values(self.input_fields)
        yield self._get_field_values(self.target_fields)


def _describe(v):
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        return f"[{v.type()} of size {'x'.join(str(s) for s in v.shape)}]"
    if isinstance(v, tuple):
        return str(tuple(_describe(x) for x in v))
    return str(type(v))
