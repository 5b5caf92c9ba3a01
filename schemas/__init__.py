"""Record models of the registry, in families (Base / Create / Update / table / Public).

``*Create`` is what loaders and harvesters submit and is fully validated; the table models are
what storage keeps; ``*Public`` is what the API returns.
"""

from schemas.account import ApiToken, ApiTokenPublic, Role, User, UserPublic
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
from schemas.curation import (
    CuratedField,
    DatasetCuration,
    DatasetVersion,
    HistoryPage,
    SuppressedStatement,
    VersionDetail,
    VersionSummary,
)
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
    "ApiToken",
    "ApiTokenPublic",
    "ColumnProfile",
    "ContactPointCreate",
    "ContactPointPublic",
    "ContactPointUpdate",
    "Coverage",
    "CoverageCreate",
    "CoveragePublic",
    "CoverageScheme",
    "CoverageUpdate",
    "CuratedField",
    "DataRequest",
    "DataRequestCreate",
    "DataRequestReceipt",
    "Dataset",
    "DatasetCreate",
    "DatasetCuration",
    "DatasetPublic",
    "DatasetSummary",
    "DatasetUpdate",
    "DatasetVersion",
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
    "HistoryPage",
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
    "Role",
    "RunStatus",
    "SubmissionLog",
    "Suggestion",
    "SuggestionCreate",
    "SuggestionPublic",
    "SuggestionReceipt",
    "SuggestionStatus",
    "SuppressedStatement",
    "TableProfile",
    "User",
    "UserPublic",
    "VersionDetail",
    "VersionSummary",
    "describe_errors",
]
