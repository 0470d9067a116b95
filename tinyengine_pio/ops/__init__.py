"""Operator registry. Importing this package registers every supported operator."""
from .base import REGISTRY, OpDef, lookup, register, supported_names  # noqa: F401
from . import add  # noqa: F401,E402
from . import average_pool_2d  # noqa: F401,E402
from . import concatenation  # noqa: F401,E402
from . import conv_2d  # noqa: F401,E402
from . import depthwise_conv_2d  # noqa: F401,E402
from . import dequantize  # noqa: F401,E402
from . import fully_connected  # noqa: F401,E402
from . import max_pool_2d  # noqa: F401,E402
from . import mean  # noqa: F401,E402
from . import mul  # noqa: F401,E402
from . import pad  # noqa: F401,E402
from . import quantize  # noqa: F401,E402
from . import relu  # noqa: F401,E402
from . import reshape  # noqa: F401,E402
from . import resize_nearest_neighbor  # noqa: F401,E402
from . import softmax  # noqa: F401,E402
from . import transpose  # noqa: F401,E402
from . import logistic  # noqa: F401,E402
from . import tanh  # noqa: F401,E402
from . import hard_swish  # noqa: F401,E402
