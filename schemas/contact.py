"""Contact points (vCard): who answers questions about a dataset."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, EmailStr, Field, model_validator


# Fields shared by every contact-point model.
class ContactPointBase(BaseModel):
    name: str | None = Field(default=None, max_length=300)
    email: EmailStr | None = None
    url: AnyHttpUrl | None = None
    telephone: str | None = Field(default=None, max_length=50)


# What a loader or harvester submits: at least one way to get in touch.
class ContactPointCreate(ContactPointBase):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _reachable(self) -> ContactPointCreate:
        if not (self.email or self.url or self.telephone):
            raise ValueError("a contact point needs an email, url or telephone")
        return self


# A partial change.
class ContactPointUpdate(ContactPointBase):
    model_config = ConfigDict(extra="forbid")


# What the API returns (stored as JSON on the dataset row).
class ContactPointPublic(ContactPointBase):
    email: str | None = None  # type: ignore[assignment]
    url: str | None = None  # type: ignore[assignment]
