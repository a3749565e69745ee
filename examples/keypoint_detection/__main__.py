"""``python -m examples.keypoint_detection``: run the example and print its summary."""

import sys

from examples.keypoint_detection.main import main

sys.exit(main())
