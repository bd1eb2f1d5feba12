class Client:
	def __init__(self):
		self.api_key = "Vb5Nm6Qw7Er8Ty9Ui0Op1As2Df3Gh4Jk"

	def headers(self):
		return {"X-Key": self.api_key}
# output
import os


class Client:
	def __init__(self):
		self.api_key = os.environ["API_KEY"]

	def headers(self):
		return {"X-Key": self.api_key}
