-- os.date conversions, os.time normalization and errors (TZ=UTC)
local fmt = "%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %m %M %n %p %r %R %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%"
local efmt = "%Ec %EC %Ex %EX %Ey %EY %Od %Oe %OH %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy"
for _, t in ipairs({0, 86399, 951782400, 1234567890, 1700000000, -1, -86400 * 366, 253402300799, 2^40}) do
  print(t, os.date("!" .. fmt, t))
  print(t, os.date("!" .. efmt, t))
  print(t, os.date(fmt, t))
end
for year = 2019, 2027 do
  for _, md in ipairs({{1, 1}, {1, 4}, {12, 28}, {12, 31}}) do
    local t = os.time({year = year, month = md[1], day = md[2], hour = 12})
    io.write(os.date("!%F:%G-%V-%u/%U/%W ", t))
  end
  print()
end
local d = os.date("*t", 86400 * 59)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
local n = {year = 2020, month = 2, day = 30, hour = -1, min = 61, sec = 3600}
print(os.time(n), n.year, n.month, n.day, n.hour, n.min, n.sec, n.wday, n.yday, n.isdst)
print(os.time({year = 1900, month = 1, day = 1, hour = 0}))
print(os.time({year = "2000", month = 1.0, day = 1}))
print(pcall(os.time, {year = 2000, month = 1}))
print(pcall(os.time, {year = 2000, month = 1, day = {}}))
print(pcall(os.time, {year = 2^31 + 1900, month = 1, day = 1}))
print(pcall(os.time, 5))
print(pcall(os.date, "%", 0))
print(pcall(os.date, "%5", 0))
print(pcall(os.date, "%Oz", 0))
print(pcall(os.date, "!%c", 2^60))
print(pcall(os.date, "*t", "x"))
print(os.date("!%H", "3600"), os.date("!"), os.date("!abc", 0))
print(os.difftime(2, 1), os.difftime(0, 2^53))
print(os.setlocale(), os.setlocale("C", "time"), os.setlocale("xx_YY"), pcall(os.setlocale, nil, "x"))
print(type(os.clock()), os.getenv("LUAWASM_UNSET_VARIABLE_XYZ"), pcall(os.getenv))
