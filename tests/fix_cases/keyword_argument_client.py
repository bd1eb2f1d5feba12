import stripe

client = stripe.StripeClient(api_key="yNd14tDdO9eGzMcNU77sVTUUJ596")
# output
import os

import stripe

client = stripe.StripeClient(api_key=os.environ["STRIPE_API_KEY"])
