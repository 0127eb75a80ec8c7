// Static C++ (arm-linux-gnueabihf-g++ -O2 -static): exceptions thrown
// through several frames (destructors run while unwinding, rethrow, nested
// handlers, throw from a constructor, std::exception hierarchy, noexcept
// terminate avoided), RTTI (typeid, dynamic_cast up/down/cross, bad_cast),
// std::map / std::vector / std::sort / std::stable_sort / std::string /
// iostream / ostringstream / shared_ptr / std::function, and double
// formatting through iostream.  The output must match qemu-arm's.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

static std::ostringstream trace;

struct Guard {
    std::string name;
    explicit Guard(std::string n) : name(std::move(n)) { trace << "+" << name; }
    ~Guard() { trace << "-" << name; }
};

struct MyError : std::runtime_error {
    int code;
    MyError(const std::string &w, int c) : std::runtime_error(w), code(c) {}
};
struct Derived : MyError {
    Derived() : MyError("derived", 7) {}
};

__attribute__((noinline)) int level3(int x)
{
    Guard g("l3");
    if (x == 1) throw MyError("level3", x);
    if (x == 2) throw Derived();
    if (x == 3) throw std::out_of_range("range");
    if (x == 4) throw 42;
    if (x == 5) { std::vector<int> v(3); return v.at(10); }
    return x * 10;
}

__attribute__((noinline)) int level2(int x)
{
    Guard g("l2");
    std::string s(100, 'z');                       // heap memory freed while unwinding
    return level3(x) + static_cast<int>(s.size());
}

__attribute__((noinline)) int level1(int x)
{
    Guard g("l1");
    try {
        return level2(x);
    } catch (const Derived &d) {
        trace << "[l1 rethrow " << d.code << "]";
        throw;
    }
}

struct Throws {
    Guard a{"a"};
    Guard b;
    explicit Throws(int x) : b("b") { if (x) throw std::invalid_argument("ctor"); }
};

static void exceptions()
{
    for (int x = 0; x <= 6; x++) {
        trace.str("");
        try {
            int r = level1(x);
            std::cout << "x=" << x << " returned " << r;
        } catch (const MyError &e) {
            std::cout << "x=" << x << " MyError(" << e.what() << ", " << e.code << ") dyn "
                      << (dynamic_cast<const Derived *>(&e) ? "Derived" : "MyError");
        } catch (const std::exception &e) {
            std::cout << "x=" << x << " std::exception " << typeid(e).name() << ": " << e.what();
        } catch (int v) {
            std::cout << "x=" << x << " int " << v;
        }
        std::cout << " trace " << trace.str() << "\n";
    }
    trace.str("");
    try {
        Throws t(1);
    } catch (const std::invalid_argument &e) {
        std::cout << "ctor threw " << e.what() << " trace " << trace.str() << "\n";
    }
    // nested: a handler that throws a new exception, caught further out
    try {
        try {
            throw std::logic_error("inner");
        } catch (const std::exception &e) {
            throw std::runtime_error(std::string("outer from ") + e.what());
        }
    } catch (const std::runtime_error &e) {
        std::cout << "nested " << e.what() << "\n";
    }
    // std::exception_ptr across a function boundary
    std::exception_ptr p;
    try { level3(1); } catch (...) { p = std::current_exception(); }
    try { std::rethrow_exception(p); } catch (const MyError &e) { std::cout << "exception_ptr " << e.what() << "\n"; }
    // many throws in a loop (the unwinder's caches)
    int caught = 0;
    for (int i = 0; i < 2000; i++) {
        try { level3(1 + i % 4); } catch (...) { caught++; }
    }
    std::cout << "caught " << caught << "\n";
}

// ---------------------------------------------------------------- RTTI
struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
};
struct Circle : Shape {
    double r;
    explicit Circle(double r_) : r(r_) {}
    double area() const override { return M_PI * r * r; }
    std::string name() const override { return "circle"; }
};
struct Rect : Shape {
    double w, h;
    Rect(double w_, double h_) : w(w_), h(h_) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};
struct Square : Rect {
    explicit Square(double s) : Rect(s, s) {}
    std::string name() const override { return "square"; }
};
struct Named { virtual ~Named() = default; virtual const char *label() const { return "named"; } };
struct NamedSquare : Square, Named {
    explicit NamedSquare(double s) : Square(s) {}
    const char *label() const override { return "named-square"; }
};

static void rtti()
{
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.emplace_back(new Circle(1.5));
    shapes.emplace_back(new Rect(2, 3.25));
    shapes.emplace_back(new Square(4));
    shapes.emplace_back(new NamedSquare(0.5));
    for (auto &s : shapes) {
        const Shape &r = *s;
        std::cout << s->name() << " typeid " << typeid(r).name() << " area " << std::setprecision(17)
                  << s->area() << " rect? " << (dynamic_cast<Rect *>(s.get()) != nullptr)
                  << " square? " << (dynamic_cast<Square *>(s.get()) != nullptr);
        if (auto *n = dynamic_cast<Named *>(s.get()))                 // cross cast
            std::cout << " label " << n->label() << " back " << dynamic_cast<Shape *>(n)->name();
        try {
            const Circle &c = dynamic_cast<const Circle &>(r);
            std::cout << " circle r " << c.r;
        } catch (const std::bad_cast &e) {
            std::cout << " bad_cast";
        }
        std::cout << "\n";
    }
    std::cout << "same type " << (typeid(Square) == typeid(*shapes[2])) << " "
              << (typeid(Square) == typeid(*shapes[3])) << "\n";
}

// ---------------------------------------------------------- containers
static void containers()
{
    std::vector<int> v;
    uint32_t seed = 7;
    for (int i = 0; i < 5000; i++) {
        seed = seed * 1664525u + 1013904223u;
        v.push_back(static_cast<int>(seed >> 12) % 100000 - 50000);
    }
    std::vector<int> s = v;
    std::sort(s.begin(), s.end());
    std::cout << "sorted " << s.front() << " " << s[2500] << " " << s.back() << " sum "
              << std::accumulate(s.begin(), s.end(), 0LL) << " is_sorted " << std::is_sorted(s.begin(), s.end()) << "\n";
    std::vector<std::pair<int, int>> pairs;
    for (size_t i = 0; i < v.size(); i++) pairs.emplace_back(v[i] % 10, static_cast<int>(i));
    std::stable_sort(pairs.begin(), pairs.end(), [](auto &a, auto &b) { return a.first < b.first; });
    long long h = 0;
    for (auto &p : pairs) h = h * 31 + p.second;
    std::cout << "stable_sort hash " << h << "\n";
    std::sort(v.begin(), v.end(), std::greater<int>());
    std::cout << "desc " << v[0] << " " << v[4999] << "\n";

    std::map<std::string, int> words;
    const char *text = "the quick brown fox jumps over the lazy dog the end fox";
    std::istringstream in(text);
    for (std::string w; in >> w;) words[w]++;
    for (auto &kv : words) std::cout << kv.first << "=" << kv.second << " ";
    std::cout << "\n";
    auto it = words.lower_bound("m");
    std::cout << "lower_bound(m) " << it->first << " erase " << words.erase("the") << " size " << words.size() << "\n";

    std::map<double, std::string> byd{{2.5, "b"}, {-1.0, "a"}, {1e10, "c"}, {-0.0, "z"}};
    for (auto &kv : byd) std::cout << kv.first << ":" << kv.second << " ";
    std::cout << "\n";

    std::unordered_map<int, int> um;
    for (int i = 0; i < 1000; i++) um[(i * 7919) % 1237] += i;
    long long t = 0;
    for (int i = 0; i < 1237; i++) { auto f = um.find(i); if (f != um.end()) t += f->second * (long long)i; }
    std::cout << "unordered " << um.size() << " " << t << "\n";
}

// ------------------------------------------------------------- strings
static void strings()
{
    std::string a = "Hello", b = "World";
    std::string c = a + ", " + b + "!";
    c.insert(5, " there");
    c.replace(c.find("World"), 5, "ARM");
    std::cout << c << " len " << c.size() << " find " << c.find("there") << " rfind " << c.rfind('l') << "\n";
    std::string up = c;
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char ch) { return std::toupper(ch); });
    std::cout << up << " substr " << c.substr(7, 5) << " cmp " << (a < b) << (a.compare(b) < 0) << "\n";
    std::string big;
    for (int i = 0; i < 1000; i++) big += std::to_string(i * i) + ",";
    std::cout << "big " << big.size() << " " << big.substr(big.size() - 20) << "\n";
    std::cout << "stoi " << std::stoi("-12345") << " stod " << std::setprecision(17) << std::stod("3.14159265358979") << " stoul " << std::stoul("ff", nullptr, 16) << "\n";
    try { std::stoi("nope"); } catch (const std::invalid_argument &) { std::cout << "stoi threw invalid_argument\n"; }
}

// ------------------------------------------------------------ iostream
static void streams()
{
    std::cout << std::setprecision(6) << 1.0 / 3 << " " << std::fixed << 2.0 / 3 << " " << std::scientific
              << 12345.678 << " " << std::hexfloat << 0.1 << std::defaultfloat << " " << 1e-320 << " "
              << -0.0 << " " << INFINITY << " " << NAN << "\n";
    std::cout << std::hex << 255 << " " << std::showbase << 255 << " " << std::oct << 8 << std::dec << std::noshowbase
              << " " << std::setw(8) << std::setfill('*') << 42 << " " << std::left << std::setw(6) << "ab" << "|\n";
    std::cout << std::setfill(' ') << std::right;
    std::ostringstream os;
    os << std::setprecision(17);
    for (double d : {0.1, 1.0 / 3, 2.0 / 3, 1e300, 4.9e-324, std::sqrt(2.0), std::exp(1.0)}) os << d << ";";
    std::cout << os.str() << "\n";
    std::istringstream is("3.25 -7 0x1p-3 abc");
    double d1; int i1; std::string rest;
    is >> d1 >> i1 >> rest;
    std::cout << "parsed " << d1 << " " << i1 << " " << rest << "\n";
    float f = 1.1f;
    std::cout << "float " << std::setprecision(9) << f << " " << f * 3 << "\n";
}

// ------------------------------------------------- smart pointers, function
struct Node {
    int v;
    std::shared_ptr<Node> next;
    explicit Node(int x) : v(x) {}
    ~Node() { trace << "~" << v; }
};

static void misc()
{
    trace.str("");
    {
        auto head = std::make_shared<Node>(1);
        head->next = std::make_shared<Node>(2);
        head->next->next = std::make_shared<Node>(3);
        std::weak_ptr<Node> w = head->next;
        std::cout << "use_count " << w.use_count() << " ";
    }
    std::cout << "freed " << trace.str() << "\n";
    std::vector<std::function<double(double)>> fs = {
        [](double x) { return x * x; },
        [](double x) { return std::sin(x); },
        [k = 3.0](double x) { return std::pow(x, k); },
    };
    double acc = 0;
    for (int i = 0; i < 100; i++)
        for (auto &f : fs) acc += f(i * 0.01);
    std::cout << "function acc " << std::setprecision(17) << acc << "\n";
}

int main()
{
    exceptions();
    rtti();
    containers();
    strings();
    streams();
    misc();
    std::cout << "done" << std::endl;
    return 0;
}
