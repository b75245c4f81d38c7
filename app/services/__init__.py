"""Domain logic. Nothing here touches `request`; failures are raised as DomainError."""
