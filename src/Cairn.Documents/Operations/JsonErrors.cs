namespace Cairn.Documents.Operations;

/// <summary>RedisJSON's error texts, in one place so their wording is checked by tests.</summary>
public static class JsonErrors
{
    public const string NonexistentKey = "ERR could not perform this operation on a key that doesn't exist";
    public const string NewObjectsAtRoot = "ERR new objects must be created at the root";
    public const string WrongStaticPath = "Err wrong static path";
    public const string ArrayIndexOutOfRange = "ERR array index out of range";
    public const string IndexOutOfBounds = "ERR index out of bounds";
    public const string SyntaxError = "ERR syntax error";
    public const string NotAnInteger = "ERR value is not an integer or out of range";
    public const string ResultNotANumber = "ERR result is not a number";
    public const string BadInputNumber = "ERR bad input number";
    public const string NestingTooDeep = "ERR nested JSON exceeds the depth limit of 128";
    public const string FormatNotOnResp2 = "ERR FORMAT argument is not supported on RESP2";
    public const string WrongReplyFormat = "ERR wrong reply format";
    public const string UnknownDebugSubcommand = "ERR unknown subcommand - try `JSON.DEBUG HELP`";

    public static string PathDoesNotExist(string path) => $"ERR Path '{path}' does not exist";

    public static string PathDoesNotExistOr(string path, string or) => $"ERR Path '{path}' does not exist or {or}";

    public static string Expected(string expected, string found) => $"WRONGTYPE wrong type of path value - expected {expected} but found {found}";

    public static string WrongArity(string command) => $"ERR wrong number of arguments for '{command}' command";
}
