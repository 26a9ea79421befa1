// The single translation unit that instantiates Boost.Asio, Asio's OpenSSL
// layer and Boost.Beast (BOOST_*_SEPARATE_COMPILATION is set for every target
// that links zohosync_net).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
