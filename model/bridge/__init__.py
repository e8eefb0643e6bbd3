"""The bridge between the concrete lab and the model: the abstraction function (the lab's
state as a world of the model), the driver that takes the model's actions on the lab, and the
attack catalogue run through that driver. The lab itself (`model/lab/`) knows nothing of the
model."""
