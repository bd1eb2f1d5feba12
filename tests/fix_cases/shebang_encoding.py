#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Nightly export job.

EXPORT_PASSWORD = "Qa1Ws2Ed3Rf4Tg5Yh6Uj7Ik8Ol9P0zXc"

print("export")
# output
#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Nightly export job.

import os

EXPORT_PASSWORD = os.environ["EXPORT_PASSWORD"]

print("export")
