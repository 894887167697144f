namespace IotSquares.Indicators.Tests.Support;

/// <summary>The checkout the tests run from, for the tests that read the docs and the shipped settings.</summary>
internal static class Repository
{
    /// <summary>The folder holding IotSquares.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IotSquares.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("IotSquares.sln not found above " + AppContext.BaseDirectory);
    }
}
