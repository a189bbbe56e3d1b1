namespace Cairn.TimeSeries;

/// <summary>
/// Error replies, worded as RedisTimeSeries words them (module.c / query_language.c / tsdb.c, checked against its source)
/// so that clients matching on the text keep working. Strings marked "Cairn" have no RedisTimeSeries counterpart. Where
/// RedisTimeSeries calls RedisModule_ReplyWithError without the "ERR " code, the text has none either.
/// </summary>
public static class TsErrors
{
    public const string KeyExists = "ERR TSDB: key already exists";
    public const string KeyMissing = "ERR TSDB: the key does not exist";

    /// <summary>TS.ADD on a key of another type, and TS.MADD on a missing key or one of another type (module.c add()).</summary>
    public const string NotATimeSeries = "ERR TSDB: the key is not a TSDB key";
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string InvalidTimestamp = "ERR TSDB: invalid timestamp";
    public const string NegativeTimestamp = "ERR TSDB: invalid timestamp, must be a nonnegative integer";
    public const string InvalidValue = "ERR TSDB: invalid value";
    public const string InvalidRetention = "ERR TSDB: Couldn't parse RETENTION";
    public const string InvalidChunkSize = "ERR TSDB: Couldn't parse CHUNK_SIZE";
    public const string ChunkSizeRange = "ERR TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]";
    public const string InvalidEncoding = "ERR TSDB: unknown ENCODING parameter";
    public const string InvalidDuplicatePolicy = "ERR TSDB: Unknown DUPLICATE_POLICY";
    public const string InvalidOnDuplicate = "ERR TSDB: Unknown DUPLICATE_POLICY"; // ON_DUPLICATE goes through ParseDuplicatePolicy
    public const string InvalidIgnore = "ERR TSDB: Couldn't parse IGNORE";
    public const string InvalidLabels = "ERR TSDB: Couldn't parse LABELS";
    public const string DuplicateBlocked = "ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode, or either current or new value is NaN and DUPLICATE_POLICY is MAX/MIN/SUM";
    public const string TimestampTooOld = "ERR TSDB: Timestamp is older than retention";
    public const string IncrementTooOld = "TSDB: timestamp must be equal to or higher than the maximum existing timestamp"; // no ERR, as sent
    public const string InvalidFromTimestamp = "ERR TSDB: wrong fromTimestamp";
    public const string InvalidToTimestamp = "ERR TSDB: wrong toTimestamp";
    public const string InvalidCount = "ERR TSDB: Couldn't parse COUNT";
    public const string MissingCount = "ERR TSDB: COUNT argument is missing";
    public const string InvalidAlign = "ERR TSDB: unknown ALIGN parameter";
    public const string AlignWithoutAggregation = "ERR TSDB: ALIGN parameter can only be used with AGGREGATION";
    public const string StartAlignmentNeedsStart = "ERR TSDB: start alignment can only be used with explicit start timestamp";
    public const string EndAlignmentNeedsEnd = "ERR TSDB: end alignment can only be used with explicit end timestamp";
    public const string InvalidAggregation = "ERR TSDB: Couldn't parse AGGREGATION";
    public const string UnknownAggregationType = "ERR TSDB: Unknown aggregation type";
    public const string InvalidBucketDuration = "ERR TSDB: bucketDuration must be greater than zero";
    public const string InvalidBucketTimestamp = "ERR TSDB: unknown BUCKETTIMESTAMP parameter";
    public const string BucketTimestampWithoutAggregation = "ERR TSDB: BUCKETTIMESTAMP parameter can only be used with AGGREGATION";
    public const string EmptyWithoutAggregation = "ERR TSDB: EMPTY parameter can only be used with AGGREGATION";
    public const string InvalidFilterByValue = "ERR TSDB: Couldn't parse MIN";
    public const string InvalidFilterByValueMaximum = "ERR TSDB: Couldn't parse MAX";
    public const string MissingFilterByValue = "ERR TSDB: FILTER_BY_VALUE one or more arguments are missing";
    public const string InvalidFilterByTimestamp = "ERR TSDB: FILTER_BY_TS one or more arguments are missing";
    public const string TooManyFilterByTimestamps = "ERR TSDB: too many FILTER_BY_TS values"; // Cairn: RedisTimeSeries stops reading at 128
    public const string MissingFilter = "ERR TSDB: missing FILTER argument";
    public const string InvalidFilter = "ERR TSDB: failed parsing labels";
    public const string NoPositiveMatcher = "ERR TSDB: please provide at least one matcher";
    public const string WithLabelsAndSelected = "ERR TSDB: cannot accept WITHLABELS and SELECT_LABELS together";
    public const string EmptySelectedLabels = "ERR TSDB: SELECT_LABELS should have at least 1 parameter";
    public const string InvalidReducer = "ERR TSDB: Invalid reducer type";
    public const string SameSourceAndDestination = "ERR TSDB: the source key and destination key should be different";
    public const string DestinationHasSource = "ERR TSDB: the destination key already has a src rule";
    public const string RuleMissing = "ERR TSDB: compaction rule does not exist";
    public const string RuleCycle = "ERR TSDB: the compaction rule would create a cycle"; // Cairn: chained rules are a Cairn extension
    public const string InvalidArgument = "ERR TSDB: wrong arguments"; // Cairn: RedisTimeSeries skips unknown words silently
    public const string WrongThirdArgument = "ERR TSDB: wrong 3rd argument"; // TS.GET key <not LATEST>
    public const string InvalidDelta = "ERR TSDB: invalid increase/decrease value";
}
