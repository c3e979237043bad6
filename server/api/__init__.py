"""The GraphQL API (Strawberry): thin resolvers over the workflows. Nothing here imports pymongo."""
