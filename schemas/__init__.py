"""Record models of the registry, in families (Base / Create / Update / table / Public).

``*Create`` is what loaders and harvesters submit and is fully validated; the table models are
what storage keeps; ``*Public`` is what the API returns.
"""

from schemas.assessment import GapSnapshot, LinkCheck
from schemas.common import (
    AccessRights,
    CoverageScheme,
    Granularity,
    ItemState,
    Provenance,
    RecordStatus,
    RunStatus,
    describe_errors,
)
from schemas.contact import ContactPointCreate, ContactPointPublic, ContactPointUpdate
from schemas.coverage import Coverage, CoverageCreate, CoveragePublic, CoverageUpdate
from schemas.dataset import Dataset, DatasetCreate, DatasetPublic, DatasetSummary, DatasetUpdate
from schemas.distribution import (
    Distribution,
    DistributionCreate,
    DistributionPublic,
    DistributionUpdate,
)
from schemas.harvest import (
    HarvestItem,
    HarvestItemPublic,
    HarvestRecord,
    HarvestRun,
    HarvestRunPublic,
    HarvestSource,
    HarvestSourceCreate,
    HarvestSourcePublic,
    HarvestSourceUpdate,
    HarvestValidator,
    Lease,
)
from schemas.organisation import (
    Organisation,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationRef,
    OrganisationUpdate,
)
from schemas.profile import ColumnProfile, TableProfile
from schemas.suggestion import (
    DataRequest,
    DataRequestCreate,
    DataRequestReceipt,
    SubmissionLog,
    Suggestion,
    SuggestionCreate,
    SuggestionPublic,
    SuggestionReceipt,
    SuggestionStatus,
)

__all__ = [
    "AccessRights",
    "ColumnProfile",
    "ContactPointCreate",
    "ContactPointPublic",
    "ContactPointUpdate",
    "Coverage",
    "CoverageCreate",
    "CoveragePublic",
    "CoverageScheme",
    "CoverageUpdate",
    "DataRequest",
    "DataRequestCreate",
    "DataRequestReceipt",
    "Dataset",
    "DatasetCreate",
    "DatasetPublic",
    "DatasetSummary",
    "DatasetUpdate",
    "Distribution",
    "DistributionCreate",
    "DistributionPublic",
    "DistributionUpdate",
    "GapSnapshot",
    "Granularity",
    "HarvestItem",
    "HarvestItemPublic",
    "HarvestRecord",
    "HarvestRun",
    "HarvestRunPublic",
    "HarvestSource",
    "HarvestSourceCreate",
    "HarvestSourcePublic",
    "HarvestSourceUpdate",
    "HarvestValidator",
    "ItemState",
    "Lease",
    "LinkCheck",
    "Organisation",
    "OrganisationCreate",
    "OrganisationPublic",
    "OrganisationRef",
    "OrganisationUpdate",
    "Provenance",
    "RecordStatus",
    "RunStatus",
    "SubmissionLog",
    "Suggestion",
    "SuggestionCreate",
    "SuggestionPublic",
    "SuggestionReceipt",
    "SuggestionStatus",
    "TableProfile",
    "describe_errors",
]
