-- x ^ y and x % y as the C library computes them, the same whether the
-- compiler folds the constants or the VM computes at run time.
local five, big, near1, negInf = 5, 1e308, 1.0000001, -1/0
print(string.format("%.17g %.17g", 5^85, five^85))
print(string.format("%.17g %.17g", 1e308^0.8, big^0.8))
print(string.format("%.17g %.17g", 1.0000001^1e8, near1^1e8))
print(5^85 == five^85, 1.0000001^1e8 == near1^1e8)
print(negInf^0.5, negInf^-0.8, negInf^3, negInf^2.5)
print(64 % (0/0), (0/0) % 2, 5.5 % -2, -5.5 % 2, 5 % -1/0)
print(1.0000001^1e8)
